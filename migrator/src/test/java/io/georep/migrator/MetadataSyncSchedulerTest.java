package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.replicator.DaemonStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  private static DaemonStatus.LinkStatus linkStatus(String name) {
    return new DaemonStatus.LinkStatus(
        name, "east", "west", "RUNNING", null, 0, 0, List.of(), null);
  }
}
