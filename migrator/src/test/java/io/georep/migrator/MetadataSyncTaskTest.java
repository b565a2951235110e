package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.config.MetadataSyncMode;
import io.georep.replicator.ClusterConnections;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkState;
import io.georep.replicator.LinkTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The daemon-side schedule of one link's sync, against clusters that do not answer. */
class MetadataSyncTaskTest {
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

    try (ClusterConnections connections = new ClusterConnections(config)) {
      assertThat(MetadataSyncTask.of(config.links().get(1), config, connections, registry))
          .as("metadataSync: off")
          .isEmpty();
      LinkTask task =
          MetadataSyncTask.of(config.links().get(0), config, connections, registry).orElseThrow();
      assertThat(task.firstDelay()).isZero();

      // continuous: every run, failed or not, asks for the next one an interval later
      assertThat(task.runOnce()).contains(Duration.ofMillis(100));
      assertThat(task.runOnce()).contains(Duration.ofMillis(100));

      Counter runs =
          registry
              .get("georep.metadata.sync.failures")
              .tag("link", "synced")
              .tag("kind", "run")
              .counter();
      assertThat(runs.count()).isEqualTo(2);
      DaemonStatus.LinkStatus status = task.addTo(linkStatus("synced"));
      DaemonStatus.MetadataSyncStatus synced = status.metadataSync();
      assertThat(synced.mode()).isEqualTo("continuous");
      assertThat(synced.state()).isEqualTo(LinkMetadataSync.FAILED);
      assertThat(synced.lastError()).contains("cluster 'east'");
      assertThat(synced.nextRunAt()).isNotNull();
      assertThat(status.topics()).isEmpty(); // the rest of the link's status is left as it was

      task.close();
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
    MetadataSyncTask once =
        new MetadataSyncTask(
            new LinkMetadataSync(
                "once",
                MetadataSyncMode.ONCE,
                failsTwice,
                new MetadataSyncMetrics(registry, "once"),
                Clock.systemUTC()),
            Duration.ofMillis(50),
            Clock.systemUTC());

    assertThat(once.runOnce()).contains(Duration.ofMillis(50));
    assertThat(once.status().state()).isEqualTo(LinkMetadataSync.FAILED);
    assertThat(once.status().nextRunAt()).isNotNull();
    assertThat(once.runOnce()).contains(Duration.ofMillis(50));
    assertThat(once.runOnce()).as("no run after the one that completed").isEmpty();
    assertThat(once.status().state()).isEqualTo(LinkMetadataSync.IN_SYNC);
    assertThat(once.status().nextRunAt()).isNull();
    assertThat(plans.get()).isEqualTo(3);
  }

  @Test
  void anInterruptedRunIsNotAFailure() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch waiting = new CountDownLatch(1);
    PlanAndApply hangs =
        planning(
            () -> {
              waiting.countDown();
              return Futures.await(new CompletableFuture<MetadataPlan>()); // an answer never comes
            });
    MetadataSyncTask stuck =
        new MetadataSyncTask(
            new LinkMetadataSync(
                "stuck",
                MetadataSyncMode.CONTINUOUS,
                hangs,
                new MetadataSyncMetrics(registry, "stuck"),
                Clock.systemUTC()),
            Duration.ofSeconds(1),
            Clock.systemUTC());
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<?> run = pool.submit(stuck::runOnce);
      assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      Counter runFailures =
          registry
              .get("georep.metadata.sync.failures")
              .tag("link", "stuck")
              .tag("kind", "run")
              .counter();

      run.cancel(true); // what the link's task runner does when the link stops

      pool.shutdown();
      assertThat(pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS))
          .as("the run stopped waiting")
          .isTrue();
      assertThat(stuck.status().state()).isEqualTo(LinkMetadataSync.PENDING);
      assertThat(runFailures.count()).isZero();
    } finally {
      pool.shutdownNow();
    }
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
        name, "east", "west", LinkState.RUNNING, null, 0, 0, List.of(), List.of(), null);
  }
}
