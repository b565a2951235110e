package io.georep.migrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The drift metrics of one link's metadata sync in the daemon, tagged {@code link}. Gauges hold
 * what the last completed run found; counters add up over runs. Written by the sync's thread, read
 * by the Prometheus scrape.
 */
final class MetadataSyncMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicInteger pendingCreates = new AtomicInteger();
  private final AtomicInteger onlyOnTarget = new AtomicInteger();
  private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
  private final Counter appliedCreates;
  private final Counter appliedUpdates;
  private final Counter runFailures;
  private final Counter itemFailures;
  private final Timer runs;

  MetadataSyncMetrics(MeterRegistry registry, String link) {
    this.registry = registry;
    Tags tags = Tags.of("link", link);
    gauge(
        "georep.metadata.conflicts",
        "Conflicts the last metadata sync found and kept (the target's value differs)",
        tags,
        conflicts);
    gauge(
        "georep.metadata.pending.creates",
        "Creates and non-conflicting updates the last metadata sync found and could not apply",
        tags,
        pendingCreates);
    gauge(
        "georep.metadata.only.on.target",
        "Topics, subscriptions and grants the last metadata sync found only on the target (kept)",
        tags,
        onlyOnTarget);
    meters.add(
        Gauge.builder(
                "georep.metadata.last.success", lastSuccessEpochSeconds, AtomicLong::doubleValue)
            .description("Unix time at which the last metadata sync that completed ended; 0 before")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
    appliedCreates = applied(tags, "create");
    appliedUpdates = applied(tags, "update");
    runFailures = failures(tags, "run");
    itemFailures = failures(tags, "item");
    runs =
        register(
            Timer.builder("georep.metadata.sync")
                .description(
                    "Metadata sync runs (read both clusters, plan, apply), completed or not")
                .tags(tags)
                .register(registry));
  }

  /** A run completed: what its plan found and what applying did. */
  void completed(
      Instant endedAt,
      Duration took,
      int conflicts,
      int pendingCreates,
      int onlyOnTarget,
      int appliedCreates,
      int appliedUpdates,
      int failedItems) {
    this.conflicts.set(conflicts);
    this.pendingCreates.set(pendingCreates);
    this.onlyOnTarget.set(onlyOnTarget);
    this.appliedCreates.increment(appliedCreates);
    this.appliedUpdates.increment(appliedUpdates);
    this.itemFailures.increment(failedItems);
    this.lastSuccessEpochSeconds.set(endedAt.getEpochSecond());
    runs.record(took);
  }

  /** A run could not read, plan or apply; the gauges keep what the last completed run found. */
  void failed(Duration took) {
    runFailures.increment();
    runs.record(took);
  }

  private void gauge(String name, String description, Tags tags, AtomicInteger value) {
    meters.add(
        Gauge.builder(name, value, AtomicInteger::doubleValue)
            .description(description)
            .tags(tags)
            .register(registry));
  }

  private Counter applied(Tags tags, String action) {
    return register(
        Counter.builder("georep.metadata.applied")
            .description("Metadata items the daemon applied on the target, by action")
            .tags(tags.and("action", action))
            .register(registry));
  }

  private Counter failures(Tags tags, String kind) {
    return register(
        Counter.builder("georep.metadata.sync.failures")
            .description(
                "Metadata sync failures: kind=run, a run that could not read, plan or apply;"
                    + " kind=item, one item the target refused")
            .tags(tags.and("kind", kind))
            .register(registry));
  }

  private <M extends Meter> M register(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Removes this link's meters from the registry. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
