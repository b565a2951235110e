package io.georep.state;

import io.georep.state.PositionRun.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Folds the messages one replicator forwards, in source order, into {@link PositionRun}s, for
 * {@link CheckpointStore#putAll(java.util.Map, java.util.Map)}.
 *
 * <p>A message extends the open run when its source position is the next one by the run's source
 * step, its target position the next one by the run's target step, and its target partition the
 * run's; otherwise it closes that run and opens a new one. The steps are those of the run's starts
 * ({@link Step#of}), so a run of one message takes whichever step its second message needs, if its
 * start allows it.
 *
 * <p>{@link #drain()} hands out the runs closed since the last drain and the open run if it grew
 * since then, but keeps the open run open: the next messages may still extend it, and the next
 * drain hands it out again, longer. Its start, and so its store key, is unchanged, so storing it
 * again replaces the shorter row. Draining every 100 ms therefore does not cut runs.
 *
 * <p>Invariants, checked by {@link #add}: source positions strictly increase, across drains too, so
 * the runs of one builder never overlap. A run is cut before it would exceed {@link
 * Integer#MAX_VALUE} messages.
 *
 * <p>Cost: {@link #add} allocates nothing while it extends the open run (it keeps the caller's
 * position objects), and one {@link PositionRun} when it closes one. Not thread-safe: one builder
 * per replicator, used by its thread. If storing drained runs fails, discard the builder along with
 * whatever the replicator had not checkpointed.
 */
public final class PositionRunBuilder {

  private List<PositionRun> closed = new ArrayList<>();

  /** The open run; {@code length == 0} when there is none. */
  private Position sourceStart;

  private int targetPartition;
  private Position targetStart;
  private int length;

  /** The length of the open run when {@link #drain()} last handed it out, else 0. */
  private int drainedLength;

  private Position lastSource;

  /**
   * Records that the message at {@code source} was written at {@code target} in {@code
   * targetPartition}.
   *
   * @param targetPartition the partition index of the target topic, or {@code -1} for a
   *     non-partitioned one
   * @throws IllegalArgumentException if {@code source} is not after the previous source position or
   *     {@code targetPartition < -1}
   */
  public void add(Position source, int targetPartition, Position target) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (targetPartition < -1) {
      throw new IllegalArgumentException(
          "targetPartition must be -1 (not partitioned) or >= 0, was " + targetPartition);
    }
    if (lastSource != null && source.compareTo(lastSource) <= 0) {
      throw new IllegalArgumentException(
          "source positions must increase: " + source + " added after " + lastSource);
    }
    lastSource = source;
    if (length > 0
        && length < Integer.MAX_VALUE
        && targetPartition == this.targetPartition
        && Step.of(sourceStart).reaches(sourceStart, length, source)
        && Step.of(targetStart).reaches(targetStart, length, target)) {
      length++;
      return;
    }
    closeOpenRun();
    sourceStart = source;
    this.targetPartition = targetPartition;
    targetStart = target;
    length = 1;
    drainedLength = 0;
  }

  /**
   * Records that the {@code count} messages of the source batch starting at {@code sourceStart}
   * (batch index 0) were written, as one batch, at {@code targetStart} (batch index 0) with the
   * same batch indexes: how a forwarded entry maps. One run, whatever {@code count}.
   *
   * @throws IllegalArgumentException if either start is not batch index 0, {@code count < 1}, the
   *     batch does not come after the previous source position or {@code targetPartition < -1}
   */
  public void addBatch(Position sourceStart, int targetPartition, Position targetStart, int count) {
    Objects.requireNonNull(sourceStart, "sourceStart");
    Objects.requireNonNull(targetStart, "targetStart");
    if (sourceStart.batchIndex() != 0 || targetStart.batchIndex() != 0 || count < 1) {
      throw new IllegalArgumentException(
          "a batch starts at batch index 0 and holds at least one message: "
              + sourceStart
              + " -> "
              + targetStart
              + ", "
              + count);
    }
    if (targetPartition < -1) {
      throw new IllegalArgumentException(
          "targetPartition must be -1 (not partitioned) or >= 0, was " + targetPartition);
    }
    if (lastSource != null && sourceStart.compareTo(lastSource) <= 0) {
      throw new IllegalArgumentException(
          "source positions must increase: " + sourceStart + " added after " + lastSource);
    }
    closeOpenRun();
    lastSource = new Position(sourceStart.ledgerId(), sourceStart.entryId(), count - 1);
    this.sourceStart = sourceStart;
    this.targetPartition = targetPartition;
    this.targetStart = targetStart;
    length = count;
    drainedLength = 0;
  }

  /**
   * The runs closed since the last drain, in source order, followed by the open run if it has grown
   * since the last drain; empty if nothing was added since. The open run stays open (see the class
   * comment). The list is unmodifiable and no longer touched by this builder.
   */
  public List<PositionRun> drain() {
    List<PositionRun> drained = closed;
    closed = new ArrayList<>();
    if (length > drainedLength) {
      drained.add(openRun());
      drainedLength = length;
    }
    return Collections.unmodifiableList(drained);
  }

  private void closeOpenRun() {
    if (length > drainedLength) {
      closed.add(openRun());
    }
  }

  private PositionRun openRun() {
    return new PositionRun(
        sourceStart,
        Step.of(sourceStart),
        targetPartition,
        targetStart,
        Step.of(targetStart),
        length);
  }
}
