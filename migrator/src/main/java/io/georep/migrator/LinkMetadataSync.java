package io.georep.migrator;

import io.georep.config.MetadataSyncMode;
import io.georep.replicator.DaemonStatus.MetadataSyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's metadata sync of one link: each {@link #run()} reads both clusters, plans with
 * {@link PlanOptions#safe()} (creates and non-conflicting updates; never an overwrite, never a
 * delete), applies, and records the outcome in metrics and in a status for the status API.
 *
 * <p>A run never throws: whatever goes wrong (a cluster unreachable, a refused role, a bug) is
 * counted, logged and shown as the link's metadata sync status, and the next run tries again.
 * Replication never depends on it. Runs of one link never overlap (the scheduler runs them one
 * after another); the status is read from other threads.
 */
final class LinkMetadataSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkMetadataSync.class);

  /** The status before the first run ends. */
  static final String PENDING = "PENDING";

  static final String IN_SYNC = "IN_SYNC";
  static final String DRIFT = "DRIFT";
  static final String FAILED = "FAILED";

  private final String link;
  private final MetadataSyncMode mode;
  private final PlanAndApply sync;
  private final MetadataSyncMetrics metrics;
  private final Clock clock;
  private volatile MetadataSyncStatus status;
  private String lastLogged = "";

  LinkMetadataSync(
      String link,
      MetadataSyncMode mode,
      PlanAndApply sync,
      MetadataSyncMetrics metrics,
      Clock clock) {
    if (mode == MetadataSyncMode.OFF) {
      throw new IllegalArgumentException("link " + link + " does not sync metadata");
    }
    this.link = Objects.requireNonNull(link, "link");
    this.mode = mode;
    this.sync = Objects.requireNonNull(sync, "sync");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.status = new MetadataSyncStatus(modeName(), PENDING, null, 0, 0, 0, 0, 0, 0, null, now());
  }

  String link() {
    return link;
  }

  MetadataSyncMode mode() {
    return mode;
  }

  MetadataSyncStatus status() {
    return status;
  }

  /**
   * One sync. Never throws.
   *
   * @return whether it completed (read, planned and applied, even with failed items)
   */
  boolean run() {
    Instant started = now();
    try {
      MetadataPlan plan = sync.plan(PlanOptions.safe(), SyncProgress.NONE);
      List<PlanItem> toApply = plan.toApply();
      List<ApplyResult> results =
          toApply.isEmpty() ? List.of() : sync.apply(plan, SyncProgress.NONE);
      completed(plan, results, started);
      return true;
    } catch (CancellationException e) {
      log.debug("link {}: metadata sync stopped: {}", link, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      failed(e, started);
      return false;
    }
  }

  /** Sets when the next run starts (null: none will), as the status shows it. */
  void nextRunAt(Instant next) {
    Instant at = next == null ? null : next.truncatedTo(ChronoUnit.MILLIS);
    MetadataSyncStatus s = status;
    status =
        new MetadataSyncStatus(
            s.mode(),
            s.state(),
            s.lastRunAt(),
            s.lastRunMillis(),
            s.applied(),
            s.failed(),
            s.pendingCreates(),
            s.conflicts(),
            s.onlyOnTarget(),
            s.lastError(),
            at);
  }

  private void completed(MetadataPlan plan, List<ApplyResult> results, Instant started) {
    Instant ended = now();
    Duration took = Duration.between(started, ended);
    int appliedCreates = 0;
    int appliedUpdates = 0;
    int failed = 0;
    String firstFailure = null;
    for (ApplyResult result : results) {
      switch (result.outcome()) {
        case APPLIED -> {
          if (result.item().action() == SyncAction.CREATE) {
            appliedCreates++;
          } else {
            appliedUpdates++;
          }
          log.debug(
              "link {}: metadata: {} {} {}",
              link,
              result.item().action(),
              result.item().what(),
              result.item().object());
        }
        case FAILED, SKIPPED -> {
          failed++;
          if (firstFailure == null) {
            firstFailure = result.message();
          }
        }
      }
    }
    var counts = plan.counts();
    int conflicts = counts.get(SyncAction.CONFLICT);
    int onlyOnTarget = counts.get(SyncAction.ONLY_ON_TARGET);
    int pending = plan.toApply().size() - appliedCreates - appliedUpdates;
    metrics.completed(
        ended, took, conflicts, pending, onlyOnTarget, appliedCreates, appliedUpdates, failed);
    String state = conflicts == 0 && onlyOnTarget == 0 && pending == 0 ? IN_SYNC : DRIFT;
    status =
        new MetadataSyncStatus(
            modeName(),
            state,
            ended,
            took.toMillis(),
            appliedCreates + appliedUpdates,
            failed,
            pending,
            conflicts,
            onlyOnTarget,
            firstFailure,
            null);
    String summary =
        String.format(
            Locale.ROOT,
            "applied %d, failed %d; kept %d conflict(s) and %d object(s) only on the target",
            appliedCreates + appliedUpdates,
            failed,
            conflicts,
            onlyOnTarget);
    if (appliedCreates + appliedUpdates > 0 || failed > 0 || !summary.equals(lastLogged)) {
      log.info("link {}: metadata sync: {} ({} ms)", link, summary, took.toMillis());
      if (firstFailure != null) {
        log.warn("link {}: metadata sync: first failed item: {}", link, firstFailure);
      }
    } else {
      log.debug("link {}: metadata sync: {} ({} ms)", link, summary, took.toMillis());
    }
    lastLogged = summary;
  }

  private void failed(RuntimeException e, Instant started) {
    Instant ended = now();
    Duration took = Duration.between(started, ended);
    metrics.failed(took);
    String reason =
        e instanceof MetadataSyncException
            ? e.getMessage()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    MetadataSyncStatus s = status;
    status =
        new MetadataSyncStatus(
            modeName(),
            FAILED,
            ended,
            took.toMillis(),
            s.applied(),
            s.failed(),
            s.pendingCreates(),
            s.conflicts(),
            s.onlyOnTarget(),
            reason,
            null);
    // The same failure every interval is logged once, then at debug level until it changes.
    if (!reason.equals(lastLogged)) {
      if (e instanceof MetadataSyncException) {
        log.warn("link {}: metadata sync failed (replication goes on): {}", link, reason);
      } else {
        log.warn("link {}: metadata sync failed (replication goes on)", link, e);
      }
    } else {
      log.debug("link {}: metadata sync failed again: {}", link, reason);
    }
    lastLogged = reason;
  }

  /** Milliseconds are enough for people and keep the status short. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private String modeName() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    metrics.close();
  }
}
