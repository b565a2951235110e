package io.georep.state;

import java.util.Objects;

/**
 * Consecutive source messages forwarded to consecutive target messages: message {@code i} (from
 * {@code 0} to {@code length - 1}) of the run is at {@code sourceStart} advanced {@code i} times by
 * {@code sourceStep}, and was written to {@code targetStart} advanced {@code i} times by {@code
 * targetStep} in target partition {@code targetPartition}.
 *
 * <p>Invariants, checked by the constructor:
 *
 * <ul>
 *   <li>{@code length >= 1}; {@code targetPartition >= -1}.
 *   <li>Each step is the one its start allows, {@link Step#of}: {@link Step#BATCH} for a batched
 *       start ({@code batchIndex >= 0}), {@link Step#ENTRY} for an unbatched one. So every message
 *       of a run is batched (all in the start's entry) or every one is unbatched, and a run has
 *       exactly one representation, whatever its length.
 *   <li>The last message does not overflow: its batch index fits an {@code int}, its entry id a
 *       {@code long}.
 *   <li>All positions of a run are in the ledger of its start, so the run has one source ledger.
 * </ul>
 *
 * @param sourceStart the position of the first message on the source
 * @param sourceStep how the source position advances from one message of the run to the next
 * @param targetPartition the partition index of the target topic, or {@code -1} for a
 *     non-partitioned target topic
 * @param targetStart the position of the first message on the target
 * @param targetStep how the target position advances from one message of the run to the next
 * @param length the number of messages in the run, at least 1
 */
public record PositionRun(
    Position sourceStart,
    Step sourceStep,
    int targetPartition,
    Position targetStart,
    Step targetStep,
    int length) {

  /** How a position advances to the next message of a run. */
  public enum Step {
    /** The next message of the same batch: same ledger, same entry, {@code batchIndex + 1}. */
    BATCH,
    /** The next unbatched message: same ledger, {@code entryId + 1}, {@code batchIndex -1}. */
    ENTRY;

    /** The step of a run starting at {@code start}: {@link #BATCH} if it is batched. */
    public static Step of(Position start) {
      return start.batchIndex() >= 0 ? BATCH : ENTRY;
    }

    /** {@code position} advanced {@code steps} times; the caller has checked for overflow. */
    Position advance(Position position, int steps) {
      return switch (this) {
        case BATCH ->
            new Position(position.ledgerId(), position.entryId(), position.batchIndex() + steps);
        case ENTRY -> new Position(position.ledgerId(), position.entryId() + steps, -1);
      };
    }

    /**
     * Whether {@code position} is {@code start} advanced {@code steps} times, without overflow.
     * Allocates nothing.
     */
    boolean reaches(Position start, long steps, Position position) {
      if (position.ledgerId() != start.ledgerId()) {
        return false;
      }
      return switch (this) {
        case BATCH ->
            position.entryId() == start.entryId()
                && position.batchIndex() == start.batchIndex() + steps;
        case ENTRY ->
            position.batchIndex() == -1
                && start.entryId() <= Long.MAX_VALUE - steps
                && position.entryId() == start.entryId() + steps;
      };
    }

    /**
     * The distance in steps from {@code start} to the greatest position of the unbounded run from
     * {@code start} that is at most {@code position}, or {@code -1} if {@code position < start}.
     * Capped at {@link Long#MAX_VALUE} for a later ledger.
     */
    long floorDistance(Position start, Position position) {
      int byLedger = Long.compare(position.ledgerId(), start.ledgerId());
      if (byLedger != 0) {
        return byLedger < 0 ? -1 : Long.MAX_VALUE;
      }
      return switch (this) {
        case BATCH -> {
          int byEntry = Long.compare(position.entryId(), start.entryId());
          if (byEntry != 0) {
            yield byEntry < 0 ? -1 : Long.MAX_VALUE;
          }
          yield position.batchIndex() < start.batchIndex()
              ? -1
              : (long) position.batchIndex() - start.batchIndex();
        }
        // (l, e + i, -1) <= (l, e + i, b) for every batch index b
        case ENTRY -> {
          if (position.entryId() < start.entryId()) {
            yield -1;
          }
          long distance = position.entryId() - start.entryId();
          yield distance < 0 ? Long.MAX_VALUE : distance; // overflow: far beyond any run
        }
      };
    }
  }

  public PositionRun {
    Objects.requireNonNull(sourceStart, "sourceStart");
    Objects.requireNonNull(sourceStep, "sourceStep");
    Objects.requireNonNull(targetStart, "targetStart");
    Objects.requireNonNull(targetStep, "targetStep");
    if (length < 1) {
      throw new IllegalArgumentException("a run has at least one message, length was " + length);
    }
    if (targetPartition < -1) {
      throw new IllegalArgumentException(
          "targetPartition must be -1 (not partitioned) or >= 0, was " + targetPartition);
    }
    checkStep("source", sourceStart, sourceStep, length);
    checkStep("target", targetStart, targetStep, length);
  }

  private static void checkStep(String side, Position start, Step step, int length) {
    if (step != Step.of(start)) {
      throw new IllegalArgumentException(
          "a run starting at the "
              + (step == Step.BATCH ? "unbatched" : "batched")
              + " "
              + side
              + " position "
              + start
              + " cannot have step "
              + step);
    }
    boolean overflows =
        switch (step) {
          case BATCH -> (long) start.batchIndex() + length - 1 > Integer.MAX_VALUE;
          case ENTRY -> start.entryId() > Long.MAX_VALUE - (length - 1);
        };
    if (overflows) {
      throw new IllegalArgumentException(
          "a run of " + length + " messages from " + side + " position " + start + " overflows");
    }
  }

  /** The source position of message {@code index} of this run. */
  public Position sourceAt(int index) {
    return sourceStep.advance(sourceStart, checkIndex(index));
  }

  /** The target position of message {@code index} of this run. */
  public Position targetAt(int index) {
    return targetStep.advance(targetStart, checkIndex(index));
  }

  /** The source position of the last message of this run. */
  public Position sourceEnd() {
    return sourceAt(length - 1);
  }

  /** The target position of the last message of this run. */
  public Position targetEnd() {
    return targetAt(length - 1);
  }

  /** The index of the message at this source position in this run, or {@code -1} if none is. */
  public int indexOf(Position source) {
    long distance = sourceStep.floorDistance(sourceStart, source);
    return distance >= 0 && distance < length && sourceStep.reaches(sourceStart, distance, source)
        ? (int) distance
        : -1;
  }

  /**
   * The index of the last message of this run whose source position is at most {@code source}, or
   * {@code -1} if the run starts after it.
   */
  int floorIndex(Position source) {
    return (int) Math.min(sourceStep.floorDistance(sourceStart, source), length - 1);
  }

  /**
   * The index of the first message of this run whose source position is at least {@code source}, or
   * {@code -1} if the run ends before it.
   */
  int ceilingIndex(Position source) {
    int floor = floorIndex(source);
    if (floor < 0) {
      return 0;
    }
    if (sourceStep.reaches(sourceStart, floor, source)) {
      return floor;
    }
    return floor + 1 < length ? floor + 1 : -1;
  }

  /** Message {@code index} of this run, source and target. */
  MappedPosition mappingAt(int index) {
    return new MappedPosition(sourceAt(index), targetPartition, targetAt(index));
  }

  private int checkIndex(int index) {
    return Objects.checkIndex(index, length);
  }
}
