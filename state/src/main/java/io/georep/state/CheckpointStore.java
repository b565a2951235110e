package io.georep.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checkpoints of all links, one per source partition.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>There is at most one checkpoint per {@link SourcePartition}; a put replaces it.
 *   <li>{@link #putAll} is atomic: after a crash either every checkpoint and position-map run of
 *       the call is stored or none of them is. Checkpoints that must agree with each other, and a
 *       checkpoint with the runs that lead up to it, go in one call.
 *   <li>{@link #all(String)} returns exactly the checkpoints of that link, never those of a link
 *       whose name merely starts with it.
 *   <li>A stored value this version cannot read (unknown format version, wrong length) makes the
 *       read throw {@link StateStoreException}; it is never guessed at or skipped.
 * </ul>
 *
 * <p>The store does not check that a new checkpoint is ahead of the old one: each source partition
 * has one writer, its replicator, which knows the order of its own acks.
 *
 * <p>Durability is that of {@link StateStore}: a returned write survives the death of the process,
 * the last few milliseconds of writes may not survive a crash of the machine. Every method throws
 * {@link StateStoreException} when the store fails or is closed.
 */
public interface CheckpointStore {

  /** The checkpoint of this partition, or empty if none was stored. */
  Optional<Checkpoint> get(SourcePartition partition);

  /**
   * The checkpoints of one link, in the order of their topic names (by UTF-8 bytes, which is
   * Unicode code point order). The map is unmodifiable.
   */
  Map<SourcePartition, Checkpoint> all(String link);

  /** Stores these checkpoints in one atomic write: all of them or, on failure, none. */
  default void putAll(Map<SourcePartition, Checkpoint> checkpoints) {
    putAll(checkpoints, Map.of());
  }

  /**
   * Stores these checkpoints and these runs of the {@link PositionMap} in one atomic write: all of
   * them or, on failure, none. This is the replicator's hot path, called every ~100 ms per
   * partition; it reads nothing.
   *
   * @param runs the runs of each partition, in source order as {@link PositionRunBuilder#drain()}
   *     hands them out; a run replaces the stored one with the same source start
   * @throws IllegalArgumentException if the runs of a partition overlap or are out of order;
   *     nothing is written then
   */
  void putAll(
      Map<SourcePartition, Checkpoint> checkpoints, Map<SourcePartition, List<PositionRun>> runs);

  /** Removes the checkpoint and the sequence anchors of this partition; nothing if none. */
  void delete(SourcePartition partition);

  /**
   * Makes every write that returned before this call survive a crash of the machine (an fsync of
   * the write-ahead log). Calls of many partitions share one fsync where they overlap.
   */
  void sync();

  /** The sequence anchors of this partition, in source order; empty if none were stored. */
  List<SequenceAnchor> anchors(SourcePartition partition);

  /**
   * Replaces the sequence anchors of this partition, with a write that survives a crash of the
   * machine (an fsync before returning): a message numbered from an anchor is sent only after this
   * returned.
   *
   * @throws IllegalArgumentException if the anchors are not in source order
   */
  void putAnchors(SourcePartition partition, List<SequenceAnchor> anchors);
}
