package io.georep.replicator;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pulsar.client.api.MessageId;

/**
 * When the source cursor may move: only up to a checkpoint the state store has made durable against
 * a crash of the machine. Checkpoints are written every ~100 ms without an fsync (a crash of the
 * process keeps them); at most every {@code syncInterval} the store's log is fsynced and the cursor
 * follows the checkpoints written before. So after a power cut a checkpoint may be behind what the
 * target holds (replays, dropped by a deduplicating target), but never behind the cursor: a cursor
 * ahead of the checkpoint always means entries removed by someone else (a source gap).
 *
 * <p>One per partition replicator, used by its actor only.
 */
final class CursorAcks {

  private final long syncIntervalNanos;
  private final LongSupplier nanoTime;
  private MessageId pending; // written, not yet synced: the cursor waits
  private long lastSync;

  CursorAcks(Duration syncInterval, LongSupplier nanoTime) {
    this.syncIntervalNanos = syncInterval.toNanos();
    this.nanoTime = nanoTime;
    this.lastSync = nanoTime.getAsLong();
  }

  /**
   * A checkpoint that lets the cursor move to {@code cursorId} was written (not yet synced). The
   * furthest such id waits; an earlier one (a redelivery a checkpoint covers) does not move it
   * back.
   */
  void written(MessageId cursorId) {
    if (pending == null || cursorId.compareTo(pending) > 0) {
      pending = cursorId;
    }
  }

  /** Whether the store should be synced now: something waits and the interval passed. */
  boolean syncDue() {
    return pending != null && nanoTime.getAsLong() - lastSync >= syncIntervalNanos;
  }

  /**
   * The store was synced: the id the cursor may move to now (null if nothing waited). Everything
   * {@link #written} before the sync began is covered by it.
   */
  MessageId synced() {
    lastSync = nanoTime.getAsLong();
    MessageId id = pending;
    pending = null;
    return id;
  }

  /** What waits for the next sync, or null. */
  MessageId pending() {
    return pending;
  }
}
