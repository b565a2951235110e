package io.georep.migrator;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.config.MetadataSyncMode;
import io.georep.replicator.ClusterConnections;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkTask;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's metadata sync as the daemon runs it, a task of the link ({@code metadataSync: once} or
 * {@code continuous}): a run at start; {@code once} runs again after {@code metadataSyncInterval}
 * only until a run completes (a cluster unreachable, a refused role), {@code continuous} runs every
 * {@code metadataSyncInterval} after each run ends, whatever its outcome. Nothing here stops or
 * slows replication; replication does not wait for it.
 */
public final class MetadataSyncTask implements LinkTask {
  private static final Logger log = LoggerFactory.getLogger(MetadataSyncTask.class);

  private final LinkMetadataSync sync;
  private final Duration interval;
  private final Clock clock;

  MetadataSyncTask(LinkMetadataSync sync, Duration interval, Clock clock) {
    this.sync = sync;
    this.interval = interval;
    this.clock = clock;
  }

  /**
   * The metadata sync of {@code link} on the daemon's admin clients; empty with {@code
   * metadataSync: off}.
   */
  public static Optional<LinkTask> of(
      LinkConfig link,
      GeorepConfig config,
      ClusterConnections connections,
      MeterRegistry registry) {
    MetadataSyncMode mode = link.options().metadataSync();
    if (mode == MetadataSyncMode.OFF) {
      return Optional.empty();
    }
    Clock clock = Clock.systemUTC();
    MetadataSync sync =
        new MetadataSync(
            link,
            config.clusters().get(link.source()),
            config.clusters().get(link.target()),
            connections.admin(link.source()),
            connections.admin(link.target()));
    Duration interval = link.options().metadataSyncInterval();
    log.info(
        "link {}: metadata sync {}{}",
        link.name(),
        mode.name().toLowerCase(java.util.Locale.ROOT),
        mode == MetadataSyncMode.CONTINUOUS ? " every " + interval : "");
    return Optional.of(
        new MetadataSyncTask(
            new LinkMetadataSync(
                link.name(), mode, sync, new MetadataSyncMetrics(registry, link.name()), clock),
            interval,
            clock));
  }

  @Override
  public String name() {
    return "metadata-sync";
  }

  @Override
  public Duration firstDelay() {
    return Duration.ZERO;
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public Optional<Duration> runOnce() {
    boolean completed = sync.run();
    if (sync.mode() == MetadataSyncMode.CONTINUOUS || !completed) {
      sync.nextRunAt(clock.instant().plus(interval));
      return Optional.of(interval);
    }
    sync.nextRunAt(null);
    return Optional.empty();
  }

  @Override
  public DaemonStatus.LinkStatus addTo(DaemonStatus.LinkStatus link) {
    return link.withMetadataSync(sync.status());
  }

  /** The status as the link shows it. */
  DaemonStatus.MetadataSyncStatus status() {
    return sync.status();
  }

  @Override
  public void close() {
    sync.close();
  }
}
