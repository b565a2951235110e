package io.georep.state;

import java.util.Objects;

/**
 * One source message and where georep wrote it on the target.
 *
 * @param source the position of the message on the source partition
 * @param targetPartition the partition index of the target topic, or {@code -1} for a
 *     non-partitioned target topic
 * @param target the position of the message on that target partition
 */
public record MappedPosition(Position source, int targetPartition, Position target) {

  public MappedPosition {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (targetPartition < -1) {
      throw new IllegalArgumentException(
          "targetPartition must be -1 (not partitioned) or >= 0, was " + targetPartition);
    }
  }
}
