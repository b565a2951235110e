package io.georep.replicator;

import io.georep.state.Position;
import java.time.Duration;

/**
 * When one partition reads its source topic's internal stats, which serve both the gap check
 * (georep's cursor moved past the checkpoint by someone else) and the pruning of the position map
 * (the first ledger the source still holds). It outlives the partition's restarts: a partition that
 * fails and restarts over and over (its target down for hours) must not read them again at each
 * start while nothing changed.
 *
 * <p>The rule: the first read of an incarnation is immediate when there is a checkpoint no read was
 * made against yet (the first start, or the checkpoint moved since); otherwise it is due one {@code
 * interval} after the last read, whenever the partition restarted meanwhile. So a partition reads
 * them at most once per {@code interval} while its checkpoint stands still, and a gap opened while
 * it keeps restarting is reported within one {@code interval}.
 *
 * <p>Not thread-safe: only the partition's actor uses it, one incarnation after the other.
 */
final class SourceStatsSchedule {
  private final Duration interval;
  private long lastReadNanos;
  private boolean read; // whether lastReadNanos means anything
  private Position checkedAgainst; // the checkpoint of the last read, null if none

  SourceStatsSchedule(Duration interval) {
    this.interval = interval;
  }

  /** How long after an incarnation's start its first read is due, with this checkpoint. */
  Duration firstRead(Position checkpoint, long nowNanos) {
    if (checkpoint != null && !checkpoint.equals(checkedAgainst)) {
      return Duration.ZERO;
    }
    if (!read) {
      return interval; // nothing to check yet; the position map is pruned in due course
    }
    Duration since = Duration.ofNanos(nowNanos - lastReadNanos);
    return since.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(since);
  }

  /** A read was asked for, against this checkpoint (null: none yet). */
  void reading(Position checkpoint, long nowNanos) {
    read = true;
    lastReadNanos = nowNanos;
    if (checkpoint != null) {
      checkedAgainst = checkpoint;
    }
  }
}
