package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.config.MetadataSyncMode;
import io.georep.replicator.DaemonStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The daemon-side schedule, against clusters that do not answer (the rest is MetadataSyncIT). */
class MetadataSyncSchedulerTest {
  private static final String YAML =
      """
      clusters:
        east: { serviceUrl: "pulsar://127.0.0.1:1", adminUrl: "http://127.0.0.1:1" }
        west: { serviceUrl: "pulsar://127.0.0.1:2", adminUrl: "http://127.0.0.1:2" }
      links:
        - name: synced
          source: east
          target: west
          scope: { namespaces: [shop/orders] }
          metadataSync: continuous
          metadataSyncInterval: 100ms
        - name: plain
          source: west
          target: east
          scope: { namespaces: [shop/orders] }
      """;

  @Test
  void anUnreachableClusterFailsEachRunWithoutStoppingTheNextAndShowsInTheStatus()
      throws Exception {
    GeorepConfig config = ConfigLoader.parse(YAML, "test.yaml", Map.of());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (MetadataSyncScheduler scheduler = MetadataSyncScheduler.start(config, registry)) {
      assertThat(scheduler.links()).containsExactly("synced");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Counter runs =
                    registry
                        .find("georep.metadata.sync.failures")
                        .tag("link", "synced")
                        .tag("kind", "run")
                        .counter();
                return runs != null && runs.count() >= 2;
              });

      DaemonStatus status =
          scheduler.withStatuses(
              new DaemonStatus(
                  Instant.EPOCH, true, List.of(linkStatus("synced"), linkStatus("plain"))));

      DaemonStatus.MetadataSyncStatus synced = status.links().get(0).metadataSync();
      assertThat(synced.mode()).isEqualTo("continuous");
      assertThat(synced.state()).isEqualTo(LinkMetadataSync.FAILED);
      assertThat(synced.lastError()).contains("cluster 'east'");
      assertThat(status.links().get(1).metadataSync()).isNull();
    }
    assertThat(registry.find("georep.metadata.sync.failures").counter()).isNull();
  }

  @Test
  void onceRunsAgainOnlyUntilARunCompletes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger plans = new AtomicInteger();
    PlanAndApply failsTwice =
        planning(
            () -> {
              if (plans.incrementAndGet() <= 2) {
                throw new MetadataSyncException(
                    "west", MetadataSyncException.Reason.FAILED, "cluster 'west': down", null);
              }
              return new MetadataPlan("once", "east", "west", List.of());
            });
    LinkMetadataSync once =
        new LinkMetadataSync(
            "once",
            MetadataSyncMode.ONCE,
            failsTwice,
            new MetadataSyncMetrics(registry, "once"),
            Clock.systemUTC());

    try (MetadataSyncScheduler scheduler =
        MetadataSyncScheduler.start(
            Map.of("once", once),
            Map.of("once", Duration.ofMillis(50)),
            Map.of(),
            Clock.systemUTC())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> LinkMetadataSync.IN_SYNC.equals(once.status().state()));
      assertThat(once.status().nextRunAt()).isNull();
      // no run after the one that completed
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> plans.get() == 3);
    }
  }

  @Test
  void closingInterruptsARunThatWaitsForACluster() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch waiting = new CountDownLatch(1);
    PlanAndApply hangs =
        planning(
            () -> {
              waiting.countDown();
              return Futures.await(new CompletableFuture<MetadataPlan>()); // an answer never comes
            });
    LinkMetadataSync stuck =
        new LinkMetadataSync(
            "stuck",
            MetadataSyncMode.CONTINUOUS,
            hangs,
            new MetadataSyncMetrics(registry, "stuck"),
            Clock.systemUTC());
    MetadataSyncScheduler scheduler =
        MetadataSyncScheduler.start(
            Map.of("stuck", stuck),
            Map.of("stuck", Duration.ofSeconds(1)),
            Map.of(),
            Clock.systemUTC());
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting.getCount() == 0);

    Counter runFailures =
        registry
            .get("georep.metadata.sync.failures")
            .tag("link", "stuck")
            .tag("kind", "run")
            .counter();
    long start = System.nanoTime();
    scheduler.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // stopping is not a failure
    assertThat(stuck.status().state()).isEqualTo(LinkMetadataSync.PENDING);
    assertThat(runFailures.count()).isZero();
  }

  /** Plans with {@code plan}; has nothing to apply. */
  private static PlanAndApply planning(Supplier<MetadataPlan> plan) {
    return new PlanAndApply() {
      @Override
      public MetadataPlan plan(PlanOptions options, SyncProgress progress) {
        return plan.get();
      }

      @Override
      public List<ApplyResult> apply(MetadataPlan plan, SyncProgress progress) {
        return List.of();
      }
    };
  }

  private static DaemonStatus.LinkStatus linkStatus(String name) {
    return new DaemonStatus.LinkStatus(
        name, "east", "west", "RUNNING", null, 0, 0, List.of(), List.of(), null);
  }
}
