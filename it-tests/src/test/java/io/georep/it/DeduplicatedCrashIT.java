package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.state.Position;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three SIGKILLs over 50,000 keyed messages, with the link switching deduplication on at its target
 * namespace ({@code deduplication: enable}; the brokers leave it off): georep's stable producer
 * names and sequence ids derived from source positions leave not one duplicate.
 */
class DeduplicatedCrashIT extends DaemonCrashScenario {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  @Override
  PulsarClustersExtension clusters() {
    return clusters;
  }

  @Override
  int messages() {
    return 50_000;
  }

  @Override
  int kills() {
    return 3;
  }

  @Override
  String[] linkOptions() {
    return new String[] {"deduplication: enable"};
  }

  @Override
  void checkDuplicates(ReplicationVerifier.Report report) {
    assertThat(report.duplicated()).as("duplicates on a deduplicating target").isZero();
  }

  /**
   * One link and one state directory, run three times: entries (stopped while it still has a
   * backlog), messages (SIGKILLed while it forwards, so that its last checkpoint lies inside a
   * source entry: it checkpoints per message every 100 ms, paced by the rate limit), entries again
   * to the end. Each run starts from a checkpoint written in the other mode.
   */
  @Test
  void switchingForwardingBetweenRunsLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://switch/orders/orders";
    east.createNamespaces("switch/orders");
    west.createNamespaces("switch/orders");
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        // On the target too: the verifier's reader would otherwise auto-create it unpartitioned.
        admin.topics().createPartitionedTopic(topic, 2);
      }
    }
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload workload = new KeyedWorkload(source, "switch", List.of(topic), 20, 100)) {
      workload.send(4_000);
      try (DaemonRunner runner =
          DaemonRunner.start(
              switchConfig(dir, east, west, "entries"), new HostPort("127.0.0.1", 0))) {
        // Both partitions forwarding (each then has a checkpoint when it stops), over 1,000 in all.
        await("forwarding entries")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  var link = runner.status().links().get(0);
                  return link.messagesForwarded() > 1_000
                      && link.topics().size() == 2
                      && link.topics().stream().allMatch(t -> t.messagesForwarded() > 0);
                });
        assertThat(runner.stop()).as("drained").isTrue();
      }
      printCheckpoints(dir, source, topic, "entries, stopped");
      workload.send(500);

      Path messagesConfig = dir.resolve("messages.yaml");
      Files.writeString(messagesConfig, switchYaml(dir, east, west, "messages"));
      try (DaemonProcess daemon = new DaemonProcess(messagesConfig, dir.resolve("daemon.log"))) {
        daemon.start();
        await("forwarding messages (log: " + dir + "/daemon.log)")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> daemon.forwarded() > 1_000);
        daemon.kill();
      }
      int inside = printCheckpoints(dir, source, topic, "messages, killed");
      // The case the switch back to entries must handle: that entry is sent whole again.
      assertThat(inside).as("checkpoints inside a source entry").isPositive();
      workload.send(500);

      try (DaemonRunner runner =
          DaemonRunner.start(
              switchConfig(dir, east, west, "entries"), new HostPort("127.0.0.1", 0))) {
        ReplicationVerifier.Report report =
            await("everything after the switches")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () -> ReplicationVerifier.verify(target, workload, Map.of()),
                    r -> r.missing() == 0);
        System.out.println("switching forwarding: " + report.summary());
        report.examples().forEach(e -> System.out.println("  " + e));
        System.out.println(
            "duplicates dropped by the target: "
                + runner.status().links().get(0).topics().stream()
                    .mapToLong(t -> t.duplicatesDropped())
                    .sum());
        assertThat(report.produced()).isEqualTo(5_000);
        assertThat(report.duplicated()).as("duplicates; %s", report.examples()).isZero();
        assertThat(report.orderViolations()).as("per-key order; %s", report.examples()).isZero();
        assertThat(report.corrupted()).isZero();
        assertThat(report.received()).isEqualTo(report.produced());
      }
    }
  }

  /**
   * Prints each partition's checkpoint; returns how many lie inside (not at the end of) an entry.
   */
  private static int printCheckpoints(Path dir, PulsarClient source, String topic, String after)
      throws Exception {
    int inside = 0;
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      for (int p = 0; p < 2; p++) {
        String partition = topic + "-partition-" + p;
        Position at =
            store
                .checkpoints()
                .get(new SourcePartition("switch", partition))
                .orElseThrow()
                .source();
        int entrySize = entrySize(source, partition, at);
        System.out.printf(
            "after %s: %s checkpoint %s, in an entry of %d messages%n",
            after, partition, at, entrySize);
        if (at.batchIndex() >= 0 && at.batchIndex() < entrySize - 1) {
          inside++;
        }
      }
    }
    return inside;
  }

  /** How many messages the source entry holding {@code at} has. */
  private static int entrySize(PulsarClient client, String partition, Position at)
      throws Exception {
    try (Reader<byte[]> reader =
        client
            .newReader(Schema.BYTES)
            .topic(partition)
            .startMessageId(new MessageIdImpl(at.ledgerId(), at.entryId(), -1))
            .startMessageIdInclusive()
            .create()) {
      int count = 0;
      for (Message<byte[]> m = reader.readNext(5, TimeUnit.SECONDS);
          m != null;
          m = reader.readNext(5, TimeUnit.SECONDS)) {
        MessageIdAdv id = (MessageIdAdv) m.getMessageId();
        if (id.getLedgerId() != at.ledgerId() || id.getEntryId() != at.entryId()) {
          break;
        }
        count++;
      }
      return count;
    }
  }

  private static GeorepConfig switchConfig(
      Path dir, PulsarCluster east, PulsarCluster west, String forwarding) throws Exception {
    return ConfigLoader.parse(switchYaml(dir, east, west, forwarding), "switch-it", Map.of());
  }

  private static String switchYaml(
      Path dir, PulsarCluster east, PulsarCluster west, String forwarding) {
    return GeorepYaml.config(
        dir.resolve("state"),
        GeorepYaml.link(
            "switch",
            "east",
            "west",
            "{ namespaces: [switch/orders] }",
            "deduplication: enable",
            "forwarding: " + forwarding,
            "limits: { messagesPerSecond: 300 }"),
        east,
        west);
  }
}
