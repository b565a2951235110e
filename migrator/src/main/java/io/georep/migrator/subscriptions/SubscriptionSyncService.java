package io.georep.migrator.subscriptions;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.replicator.DaemonStatus;
import io.georep.state.PositionMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's continuous subscription translation: every link with a {@code subscriptionSync}
 * section is synced every interval, on a thread of its own (the sync blocks on admin calls; the
 * actors never wait for it). A failing sync is logged, counted and retried at the next interval;
 * replication is not affected.
 */
public final class SubscriptionSyncService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionSyncService.class);

  /** The last result of one subscription on one target partition. */
  private record Last(String link, SubscriptionReport report, Instant syncedAt) {}

  private final GeorepConfig config;
  private final PositionMap map;
  private final MeterRegistry registry;
  private final Clock clock;
  private final ClusterConnections clusters;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Last> last = new ConcurrentHashMap<>();
  private final java.util.List<io.micrometer.core.instrument.Meter> ages =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private SubscriptionSyncService(
      GeorepConfig config, PositionMap map, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.map = map;
    this.registry = registry;
    this.clock = clock;
    this.clusters = new ClusterConnections(config);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "georep-subscription-sync");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts syncing the links that ask for it; a service with none does nothing. */
  public static SubscriptionSyncService start(
      GeorepConfig config, PositionMap map, MeterRegistry registry) {
    SubscriptionSyncService service =
        new SubscriptionSyncService(config, map, registry, Clock.systemUTC());
    for (LinkConfig link : config.links()) {
      if (link.options().subscriptionSync()) {
        long interval = link.options().subscriptionSyncInterval().toMillis();
        service.scheduler.scheduleWithFixedDelay(
            () -> service.syncLink(link), interval, interval, TimeUnit.MILLISECONDS);
        log.info(
            "link {}: translating subscriptions to {} every {}",
            link.name(),
            link.target(),
            link.options().subscriptionSyncInterval());
      }
    }
    return service;
  }

  private void syncLink(LinkConfig link) {
    try {
      List<SubscriptionReport> reports =
          new SubscriptionSync(config, link, map, clusters::admin, clusters::client)
              .run(true, false);
      Instant now = clock.instant();
      for (SubscriptionReport report : reports) {
        String key =
            link.name() + "\u0000" + report.targetTopic() + "\u0000" + report.subscription();
        boolean applied = !report.action().equals("skipped");
        Last previous = last.get(key);
        Instant syncedAt = applied ? now : previous == null ? null : previous.syncedAt();
        if (previous == null) {
          registerAge(link.name(), report, key);
        }
        last.put(key, new Last(link.name(), report, syncedAt));
        Counter.builder("georep.subscription.translations")
            .description("Subscription translations by action (created, moved, kept, skipped)")
            .tags("link", link.name(), "action", report.action())
            .register(registry)
            .increment();
      }
    } catch (Exception e) {
      Counter.builder("georep.subscription.sync.failures")
          .description("Subscription syncs of a link that failed; retried at the next interval")
          .tag("link", link.name())
          .register(registry)
          .increment();
      log.warn("link {}: subscription sync failed: {}", link.name(), e.toString());
    }
  }

  private void registerAge(String link, SubscriptionReport report, String key) {
    ages.add(
        Gauge.builder("georep.subscription.translation.age", () -> ageMillis(last.get(key)))
            .description(
                "Translation lag: milliseconds since the subscription's source position was last"
                    + " carried to the target (-1 before the first time)")
            .baseUnit("milliseconds")
            .tags(
                Tags.of(
                    "link",
                    link,
                    "topic",
                    report.targetTopic(),
                    "subscription",
                    report.subscription()))
            .register(registry));
  }

  private long ageMillis(Last entry) {
    if (entry == null || entry.syncedAt() == null) {
      return -1;
    }
    return Math.max(0, clock.millis() - entry.syncedAt().toEpochMilli());
  }

  /** The latest translation of each subscription of this link, for the status API. */
  public List<DaemonStatus.SubscriptionStatus> status(String link) {
    List<DaemonStatus.SubscriptionStatus> result = new ArrayList<>();
    for (Last entry : last.values()) {
      if (!entry.link().equals(link)) {
        continue;
      }
      SubscriptionReport r = entry.report();
      result.add(
          new DaemonStatus.SubscriptionStatus(
              r.subscription(),
              r.targetTopic(),
              r.sourcePosition(),
              r.targetPosition(),
              r.action(),
              r.exact(),
              r.notes(),
              entry.syncedAt(),
              ageMillis(entry)));
    }
    result.sort(
        java.util.Comparator.comparing(DaemonStatus.SubscriptionStatus::subscription)
            .thenComparing(DaemonStatus.SubscriptionStatus::targetTopic));
    return result;
  }

  /** The daemon's status with each link's subscriptions filled in. */
  public DaemonStatus addTo(DaemonStatus status) {
    return new DaemonStatus(
        status.startedAt(),
        status.ready(),
        status.links().stream().map(l -> l.withSubscriptions(status(l.name()))).toList());
  }

  /**
   * Stops the syncs and removes the translation-age gauges: bound to this service's records, they
   * would go on reading them after a reload started another service.
   */
  @Override
  public void close() {
    ages.forEach(registry::remove);
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clusters.close();
  }
}
