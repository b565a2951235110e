package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM drains the daemon in order (stop reading, wait for what is in flight, write the
 * checkpoints, move the cursors, close) and exits 0; when the target cannot confirm what is in
 * flight (its broker frozen with SIGSTOP), the daemon still stops, exits non-zero and names the
 * partition, and the next run delivers what was not confirmed: nothing is lost.
 */
class ShutdownIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aDaemonThatCannotDrainExitsNonZeroNamingThePartitionAndLosesNothing() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String namespace = "shutdown/orders";
    String topic = "persistent://" + namespace + "/orders";
    east.createNamespaces(namespace);
    west.createNamespaces(namespace);
    Path config = dir.resolve("georep.yaml");
    Files.writeString(
        config,
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link("shutdown", "east", "west", "{ namespaces: [" + namespace + "] }"),
            east,
            west));
    Path log = dir.resolve("daemon.log");
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        Producer<byte[]> producer = source.newProducer(Schema.BYTES).topic(topic).create();
        DaemonProcess daemon = new DaemonProcess(config, log)) {
      daemon.start();
      send(producer, 0, 200);
      await("the first 200 on the target (log: " + log + ")")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Topics.readAll(target, topic).size() == 200);

      west.freeze();
      try {
        send(producer, 200, 300);
        await("sends waiting on the frozen target")
            .atMost(Duration.ofSeconds(30))
            .until(() -> inFlight(daemon) > 0);
        int exit = daemon.terminate(Duration.ofSeconds(120));
        assertThat(exit).as("exit code; log:\n%s", daemon.logTail()).isEqualTo(3);
        assertThat(Files.readString(log))
            .contains("stopped without draining every partition")
            .contains("shutdown: " + topic);
      } finally {
        west.unfreeze();
      }

      daemon.start();
      await("all 500 on the target after the restart (log: " + log + ")")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Topics.readAll(target, topic).size() >= 500);
      assertThat(daemon.terminate(Duration.ofSeconds(60))).as("a drained daemon exits 0").isZero();
      assertThat(
              Topics.readAll(target, topic).stream()
                  .map(m -> new String(m.getData(), StandardCharsets.UTF_8))
                  .distinct()
                  .count())
          .as("every message, none lost")
          .isEqualTo(500);
    }
  }

  private static void send(Producer<byte[]> producer, int from, int count) throws Exception {
    for (int i = from; i < from + count; i++) {
      producer.sendAsync(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
  }

  /**
   * Messages in flight over the daemon's topics, from its status API; 0 when it does not answer.
   */
  private static long inFlight(DaemonProcess daemon) throws Exception {
    String status = daemon.status();
    if (status.isEmpty()) {
      return 0;
    }
    long sum = 0;
    for (JsonNode link : JSON.readTree(status).path("links")) {
      for (JsonNode t : link.path("topics")) {
        sum += t.path("inFlight").asLong();
      }
    }
    return sum;
  }
}
