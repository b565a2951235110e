package io.georep.it;

import static io.georep.it.GeorepYaml.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.Provenance;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Global archiving: the same-named topic of two regions merges into one archive topic on a third
 * cluster. Each origin arrives complete, in its own per-key order, and tagged with where it came
 * from.
 */
class MergeIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(),
          PulsarClusterSpec.builder("west").build(),
          PulsarClusterSpec.builder("archive").deduplication(true).build());

  private static final String SOURCE = "persistent://sales/orders/orders";
  private static final String ARCHIVE = "persistent://global/orders/orders";

  @TempDir Path dir;

  @Test
  void twoRegionsMergeIntoOneArchiveTopicEachInOrderWithProvenance() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    PulsarCluster archive = clusters.get("archive");
    east.createNamespaces("sales/orders");
    west.createNamespaces("sales/orders");
    archive.createNamespaces("global/orders");
    for (PulsarCluster region : List.of(east, west)) {
      try (PulsarAdmin admin = region.newAdmin()) {
        admin.topics().createPartitionedTopic(SOURCE, 2);
      }
    }
    String mapping = "mapping: { namespaces: { \"sales/orders\": \"global/orders\" } }";
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            link("east-archive", "east", "archive", "{ namespaces: [sales/orders] }", mapping)
                + link(
                    "west-archive", "west", "archive", "{ namespaces: [sales/orders] }", mapping),
            east,
            west,
            archive);
    GeorepConfig config = ConfigLoader.parse(yaml, "merge-it", Map.of());

    try (PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient();
        PulsarClient archiveClient = archive.newClient();
        PulsarAdmin archiveAdmin = archive.newAdmin();
        KeyedWorkload fromEast =
            new KeyedWorkload(eastClient, "from-east", List.of(SOURCE), 8, 64);
        KeyedWorkload fromWest =
            new KeyedWorkload(westClient, "from-west", List.of(SOURCE), 8, 64);
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      for (int i = 0; i < 3_000; i++) {
        fromEast.sendNext();
        fromWest.sendNext();
      }
      fromEast.flush();
      fromWest.flush();
      await("georep created the partitioned archive topic")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  archiveAdmin.topics().getPartitionedTopicList("global/orders").contains(ARCHIVE));

      Map<String, String> toArchive = Map.of(SOURCE, ARCHIVE);
      for (KeyedWorkload origin : List.of(fromEast, fromWest)) {
        ReplicationVerifier.Report report =
            await(origin.name() + " complete in the archive")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () -> ReplicationVerifier.verify(archiveClient, origin, toArchive),
                    r -> r.missing() == 0);
        assertThat(report.produced()).as(report.summary()).isEqualTo(3_000);
        assertThat(report.orderViolations()).as(report.summary()).isZero();
        assertThat(report.corrupted()).as(report.summary()).isZero();
        assertThat(report.duplicated()).as(report.summary()).isZero();
      }

      // Every archived message names its region; the archive holds the two regions and nothing
      // else.
      Map<String, Integer> byOrigin = new HashMap<>();
      for (Message<byte[]> m : Topics.readAll(archiveClient, ARCHIVE)) {
        String workload = m.getProperty(KeyedWorkload.WORKLOAD);
        String origin = Provenance.originOf(m);
        assertThat(origin).isEqualTo(workload.equals("from-east") ? "east" : "west");
        assertThat(Provenance.of(m).orElseThrow().sourceTopic()).startsWith(SOURCE + "-partition-");
        byOrigin.merge(origin, 1, Integer::sum);
      }
      assertThat(byOrigin).containsExactlyInAnyOrderEntriesOf(Map.of("east", 3_000, "west", 3_000));
    }
  }
}
