package io.georep.state;

import java.util.Objects;
import java.util.Optional;

/**
 * What georep has durably forwarded for one source partition.
 *
 * @param source the last source position acknowledged by the target
 * @param sequenceId the highest producer sequence id sent up to that message (a filtered message
 *     has none of its own)
 * @param target the position the target broker gave the last message it acknowledged; empty while
 *     every message taken so far was filtered (nothing of this partition written to the target)
 * @param sourcePublishTime the publish time of that message on the source, in epoch millis
 * @param forwardedCount how many messages of this partition georep has forwarded so far
 * @param updatedAtMillis when this checkpoint was taken, in epoch millis
 */
public record Checkpoint(
    Position source,
    long sequenceId,
    Optional<Position> target,
    long sourcePublishTime,
    long forwardedCount,
    long updatedAtMillis) {

  public Checkpoint {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
  }

  /** A checkpoint with a target position. */
  public Checkpoint(
      Position source,
      long sequenceId,
      Position target,
      long sourcePublishTime,
      long forwardedCount,
      long updatedAtMillis) {
    this(
        source,
        sequenceId,
        Optional.of(target),
        sourcePublishTime,
        forwardedCount,
        updatedAtMillis);
  }
}
