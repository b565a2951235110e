package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.replicator.Provenance;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
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
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon process, SIGKILLed while it replicates keyed messages over a partitioned and a
 * non-partitioned topic, restarted, and checked against the target: nothing missing, per-key order
 * kept, payload, key and properties intact. Variants set the clusters, the volume, the number of
 * kills and what they expect of duplicates.
 */
abstract class DaemonCrashScenario {
  /** Two clusters, "east" and "west", shared by the variant's class. */
  abstract PulsarClustersExtension clusters();

  abstract int messages();

  abstract int kills();

  /** Extra lines for the link in the daemon's config, e.g. {@code "deduplication: enable"}. */
  String[] linkOptions() {
    return new String[0];
  }

  /**
   * How many messages an incarnation forwards before it is killed, out of the {@code chunk} that
   * waits for it: a quarter unless the variant needs more (the kill comes a little later still,
   * after the next poll of the status API).
   */
  int forwardedBeforeKill(int chunk) {
    return chunk / 4;
  }

  /** What the variant expects of the duplicates on the target. */
  abstract void checkDuplicates(ReplicationVerifier.Report report);

  private static final String NAMESPACE = "crash/orders";
  private static final List<String> TOPICS =
      List.of("persistent://crash/orders/orders", "persistent://crash/orders/audit");

  @TempDir Path dir;

  @Test
  void sigkilledDaemonLosesNothingAndKeepsOrder() throws Exception {
    PulsarCluster east = clusters().get("east");
    PulsarCluster west = clusters().get("west");
    prepare(east, true);
    prepare(west, false);
    Path config = writeConfig(east, west);
    int chunk = messages() / (kills() + 1);

    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload workload = new KeyedWorkload(source, "crash-it", TOPICS, 50, 200);
        DaemonProcess daemon = new DaemonProcess(config, dir.resolve("daemon.log"))) {
      workload.send(chunk);
      for (int kill = 1; kill <= kills(); kill++) {
        daemon.start();
        await("incarnation " + kill + " forwards part of its backlog (log: " + dir + "/daemon.log)")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> daemon.forwarded() > forwardedBeforeKill(chunk));
        // Killed while it works; the next chunk is produced while it is down.
        daemon.kill();
        workload.send(kill == kills() ? messages() - chunk * kills() : chunk);
      }
      assertThat(workload.acknowledged()).isEqualTo(messages());

      daemon.start();
      ReplicationVerifier.Report report =
          await("every message replicated after the last restart")
              .atMost(Duration.ofSeconds(180))
              .pollInterval(Duration.ofSeconds(2))
              .until(
                  () -> ReplicationVerifier.verify(target, workload, Map.of()),
                  r -> r.missing() == 0);
      System.out.println(getClass().getSimpleName() + ": " + report.summary());

      assertThat(report.produced()).isEqualTo(messages());
      assertThat(report.missing()).as("missing; %s", report.examples()).isZero();
      assertThat(report.orderViolations()).as("per-key order; %s", report.examples()).isZero();
      assertThat(report.corrupted()).as("payload/key; %s", report.examples()).isZero();
      assertThat(report.received()).isEqualTo(messages() + report.duplicated());
      checkDuplicates(report);
      assertProvenance(target);

      assertThat(daemon.terminate())
          .as("exit code after SIGTERM; log:\n%s", daemon.logTail())
          .isZero();
    }
  }

  private static void prepare(PulsarCluster cluster, boolean withTopics) throws Exception {
    cluster.createNamespaces(NAMESPACE);
    if (withTopics) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        admin.topics().createPartitionedTopic(TOPICS.get(0), 4);
        admin.topics().createNonPartitionedTopic(TOPICS.get(1));
      }
    }
  }

  private Path writeConfig(PulsarCluster east, PulsarCluster west) throws Exception {
    Path config = dir.resolve("georep.yaml");
    Files.writeString(
        config,
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link(
                "east-to-west",
                "east",
                "west",
                "{ namespaces: [" + NAMESPACE + "] }",
                linkOptions()),
            east,
            west));
    return config;
  }

  /** Forwarded messages keep the producer's properties and gain where they came from. */
  private static void assertProvenance(PulsarClient target) throws Exception {
    try (Reader<byte[]> reader =
        target
            .newReader(Schema.BYTES)
            .topic(TOPICS.get(1))
            .startMessageId(MessageId.earliest)
            .create()) {
      Message<byte[]> first = reader.readNext(30, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.getKey()).startsWith("k-");
      assertThat(first.getProperties())
          .containsEntry(KeyedWorkload.WORKLOAD, "crash-it")
          .containsKey(KeyedWorkload.SEQ);
      Provenance source = Provenance.of(first).orElseThrow();
      assertThat(source.sourceCluster()).isEqualTo("east");
      assertThat(source.sourceTopic()).isEqualTo(TOPICS.get(1));
      assertThat(source.sourcePublishTime()).isPositive();
    }
  }
}
