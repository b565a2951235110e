package io.georep.state;

import java.util.Map;
import java.util.Optional;

/**
 * The checkpoints of all links, one per source partition.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>There is at most one checkpoint per {@link SourcePartition}; a put replaces it.
 *   <li>{@link #putAll} is atomic: after a crash either every checkpoint of the map is stored or
 *       none of them is. Checkpoints that must agree with each other go in one call.
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
  void putAll(Map<SourcePartition, Checkpoint> checkpoints);

  /** Removes the checkpoint of this partition; does nothing if there is none. */
  void delete(SourcePartition partition);
}
