package io.georep.migrator.subscriptions;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.replicator.ClusterConnections;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkTask;
import io.georep.state.PositionMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's continuous subscription translation, a task of the link (a {@code subscriptionSync}
 * section): every interval, each source subscription's position is carried to the target through
 * the position map. A failing sync is logged, counted and retried at the next interval; replication
 * is not affected. The last result of each subscription is kept for the link's status and the
 * translation-age gauges.
 */
public final class SubscriptionSyncTask implements LinkTask {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionSyncTask.class);

  /** The last result of one subscription on one target partition. */
  private record Last(SubscriptionReport report, Instant syncedAt) {}

  private final GeorepConfig config;
  private final LinkConfig link;
  private final PositionMap map;
  private final ClusterConnections connections;
  private final MeterRegistry registry;
  private final Clock clock;
  // Written by runs, read by the link's status.
  private final Map<String, Last> last = new ConcurrentHashMap<>();
  private final List<Meter> ages = new CopyOnWriteArrayList<>();

  SubscriptionSyncTask(
      GeorepConfig config,
      LinkConfig link,
      PositionMap map,
      ClusterConnections connections,
      MeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.link = link;
    this.map = map;
    this.connections = connections;
    this.registry = registry;
    this.clock = clock;
  }

  /** The translation of {@code link}'s subscriptions; empty when it has no subscriptionSync. */
  public static Optional<LinkTask> of(
      GeorepConfig config,
      LinkConfig link,
      PositionMap map,
      ClusterConnections connections,
      MeterRegistry registry) {
    if (!link.options().subscriptionSync()) {
      return Optional.empty();
    }
    log.info(
        "link {}: translating subscriptions to {} every {}",
        link.name(),
        link.target(),
        link.options().subscriptionSyncInterval());
    return Optional.of(
        new SubscriptionSyncTask(config, link, map, connections, registry, Clock.systemUTC()));
  }

  @Override
  public String name() {
    return "subscription-sync";
  }

  @Override
  public Duration firstDelay() {
    return link.options().subscriptionSyncInterval();
  }

  @Override
  public Duration interval() {
    return link.options().subscriptionSyncInterval();
  }

  @Override
  public Optional<Duration> runOnce() {
    try {
      List<SubscriptionReport> reports =
          new SubscriptionSync(config, link, map, connections::admin, connections::client)
              .run(true, false);
      Instant now = clock.instant();
      for (SubscriptionReport report : reports) {
        String key = report.targetTopic() + "\u0000" + report.subscription();
        boolean applied = !report.action().equals("skipped");
        Last previous = last.get(key);
        Instant syncedAt = applied ? now : previous == null ? null : previous.syncedAt();
        if (previous == null) {
          registerAge(report, key);
        }
        last.put(key, new Last(report, syncedAt));
        Counter.builder("georep.subscription.translations")
            .description("Subscription translations by action (created, moved, kept, skipped)")
            .tags("link", link.name(), "action", report.action())
            .register(registry)
            .increment();
      }
    } catch (Exception e) {
      if (interrupted(e)) {
        return Optional.empty(); // the link stops: not a failure
      }
      Counter.builder("georep.subscription.sync.failures")
          .description("Subscription syncs of a link that failed; retried at the next interval")
          .tag("link", link.name())
          .register(registry)
          .increment();
      log.warn("link {}: subscription sync failed: {}", link.name(), e.toString());
    }
    return Optional.of(interval());
  }

  /** The link stopping interrupts a run; what it interrupted fails with that as its cause. */
  private static boolean interrupted(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof java.util.concurrent.CancellationException) {
        return true;
      }
    }
    return false;
  }

  private void registerAge(SubscriptionReport report, String key) {
    ages.add(
        Gauge.builder("georep.subscription.translation.age", () -> ageMillis(last.get(key)))
            .description(
                "Translation lag: milliseconds since the subscription's source position was last"
                    + " carried to the target (-1 before the first time)")
            .baseUnit("milliseconds")
            .tags(
                Tags.of(
                    "link",
                    link.name(),
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

  /** The latest translation of each subscription of the link. */
  List<DaemonStatus.SubscriptionStatus> status() {
    List<DaemonStatus.SubscriptionStatus> result = new ArrayList<>();
    for (Last entry : last.values()) {
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
        Comparator.comparing(DaemonStatus.SubscriptionStatus::subscription)
            .thenComparing(DaemonStatus.SubscriptionStatus::targetTopic));
    return result;
  }

  @Override
  public DaemonStatus.LinkStatus addTo(DaemonStatus.LinkStatus status) {
    return status.withSubscriptions(status());
  }

  /**
   * Removes the translation-age gauges: bound to this task's records, they would go on reading them
   * after the link started again with another task.
   */
  @Override
  public void close() {
    ages.forEach(registry::remove);
    ages.clear();
  }
}
