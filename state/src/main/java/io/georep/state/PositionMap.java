package io.georep.state;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * For each source partition, where each forwarded source message was written on the target, kept as
 * {@link PositionRun}s (one row per run, not per message) so that a source subscription's positions
 * translate exactly into target positions. Runs are written by {@link
 * CheckpointStore#putAll(java.util.Map, java.util.Map)}, in the same atomic batch as the checkpoint
 * they lead up to, and built by a {@link PositionRunBuilder}.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A partition's runs are kept in source order, one per source start: a run written with the
 *       start of a stored one replaces it (which is how a growing open run is written again).
 *   <li>The runs of a partition do not overlap. The writer, the partition's one replicator, keeps
 *       this: it forwards in source order and, after a restart, skips everything at or below its
 *       checkpoint, which was stored with the runs up to it. {@link CheckpointStore#putAll(
 *       java.util.Map, java.util.Map)} checks the runs of one call, not those already stored. Were
 *       runs to overlap, a position would be read from the run with the greatest start at or before
 *       it.
 *   <li>The runs of a partition are never those of another partition or another link, even one
 *       whose name starts with this one's.
 *   <li>A stored row this version cannot read (unknown format version, wrong length, impossible
 *       run) makes the read throw {@link StateStoreException}; it is never guessed at or skipped.
 * </ul>
 *
 * <p>Each read sees one consistent view of the store. Durability, thread safety and errors are
 * those of {@link StateStore}.
 */
public interface PositionMap {

  /**
   * Where the source message at {@code source} was written, or empty if no stored run holds that
   * position.
   */
  Optional<MappedPosition> lookup(SourcePartition partition, Position source);

  /**
   * The mapping of the greatest mapped source position at or before {@code source}, or empty if
   * every mapped position is after it.
   */
  Optional<MappedPosition> floor(SourcePartition partition, Position source);

  /**
   * The mapping of the least mapped source position at or after {@code source}, or empty if every
   * mapped position is before it.
   */
  Optional<MappedPosition> ceiling(SourcePartition partition, Position source);

  /** The first mapped source position of this partition, or empty if none is mapped. */
  Optional<Position> earliest(SourcePartition partition);

  /** The last mapped source position of this partition, or empty if none is mapped. */
  Optional<Position> latest(SourcePartition partition);

  /**
   * Calls {@code action} with each run that holds a source position from {@code fromInclusive} to
   * {@code toInclusive}, in source order. The runs are handed out while the store is being read:
   * {@code action} must not close the store.
   *
   * @throws IllegalArgumentException if {@code fromInclusive} is after {@code toInclusive}
   */
  void forEachRun(
      SourcePartition partition,
      Position fromInclusive,
      Position toInclusive,
      Consumer<PositionRun> action);

  /**
   * Deletes every run of this partition whose source ledger is before {@code firstRetainedLedger}
   * (a run lies within one ledger), with one range delete, and returns how many it deleted. Call it
   * when the source's first retained ledger moves, not on a timer: a range delete that deletes
   * nothing is skipped, but each one that does leaves a tombstone that reads step over until
   * compaction.
   *
   * <p>The count is exact unless runs before that ledger are written while this runs, which the
   * writer, appending at the head of the partition, does not do.
   */
  long prune(SourcePartition partition, long firstRetainedLedger);

  /** Deletes every run of this partition; does nothing if there is none. */
  void deleteAll(SourcePartition partition);

  /** The size of the map of one link, found by reading all of it. */
  Stats stats(String link);

  /**
   * The size of the position map of one link.
   *
   * @param runs the number of stored runs
   * @param messages the number of source messages they map
   * @param bytes the bytes of their keys and values, before RocksDB's prefix compression and block
   *     compression
   */
  record Stats(long runs, long messages, long bytes) {}
}
