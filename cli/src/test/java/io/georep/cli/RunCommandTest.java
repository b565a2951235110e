package io.georep.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.HostPort;
import io.georep.daemon.Json;
import io.georep.daemon.OperationFailedException;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against two real clusters: {@link DaemonRunner} in this JVM, and {@code georep run}.
 */
class RunCommandTest {
  private static final int MESSAGES = 100;
  private static final int KEYS = 7;

  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private Path configFile;
  private GeorepConfig config;
  private DaemonRunner runner;

  @BeforeEach
  void writeConfig() throws Exception {
    configFile = dir.resolve("georep.yaml");
    Files.writeString(configFile, config(clusters.get("east"), clusters.get("west")));
    config = ConfigLoader.load(configFile);
  }

  @AfterEach
  void stopRunner() {
    if (runner != null) {
      runner.stop();
    }
  }

  @Test
  void forwardsMessagesAndReportsThem() throws Exception {
    String topic = "persistent://public/default/run-" + UUID.randomUUID();
    runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));

    List<String> sent = produce(clusters.get("east"), topic);

    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> assertThat(forwarded(topic)).as("forwarded from %s", topic).isEqualTo(MESSAGES));
    assertThat(readAll(clusters.get("west"), topic)).containsExactlyElementsOf(sent);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body()).contains("jvm_memory_used_bytes");

    CliRun status = CliRun.execute("status", "--url", runner.httpUri().toString());
    assertThat(status.exitCode()).as(status::toString).isEqualTo(ExitCodes.OK);
    assertThat(status.out())
        .as(status::toString)
        .contains("link east-to-west (east -> west): RUNNING")
        .containsPattern("\\Q" + topic + "\\E\\s+\\S+\\s+RUNNING\\s+" + MESSAGES + "\\s");
  }

  @Test
  void refusesASecondDaemonOnTheSameStateDirectory() {
    runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
    String stateDir = config.state().dir().toAbsolutePath().normalize().toString();

    assertThatThrownBy(() -> DaemonRunner.start(config, new HostPort("127.0.0.1", 0)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining(stateDir);
    CliRun second =
        CliRun.execute("run", "--config", configFile.toString(), "--http-listen", "127.0.0.1:0");

    assertThat(second.exitCode()).as(second::toString).isEqualTo(ExitCodes.FAILURE);
    assertThat(second.err())
        .as(second::toString)
        .startsWith("error: state directory " + stateDir)
        .contains("already open")
        .hasLineCount(1);
  }

  @Test
  void stoppedDaemonIsNotReadyAndServesNoMore() throws Exception {
    runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
    await().atMost(Duration.ofMinutes(1)).until(runner::ready);
    assertThat(get("/ready").statusCode()).isEqualTo(200);

    runner.stop();

    assertThat(runner.ready()).isFalse();
    assertThat(runner.status().ready()).isFalse();
    assertThatThrownBy(() -> get("/health")).isInstanceOf(ConnectException.class);
    runner.awaitStop(); // returns at once: stopped
    runner.stop(); // idempotent
    // the state directory is free again
    runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
  }

  @Test
  void georepRunExitsZeroOnSigterm() throws Exception {
    Path log = dir.resolve("georep-run.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Georep.class.getName(),
                "run",
                "--config",
                configFile.toString(),
                "--http-listen",
                "127.0.0.1:0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Pattern started = Pattern.compile("georep daemon started: 1 link, (http://\\S+)");
      URI url =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> started.matcher(Files.readString(log)).results().findFirst(),
                  Optional::isPresent)
              .map(match -> URI.create(match.group(1)))
              .orElseThrow();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(url.resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(process.exitValue()).as(() -> log(log)).isEqualTo(ExitCodes.OK);
      assertThat(log(log)).contains("georep daemon stopped");
    } finally {
      process.destroyForcibly();
    }
  }

  private static String log(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "cannot read " + file + ": " + e;
    }
  }

  private long forwarded(String topic) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/api/v1/status");
    assertThat(response.statusCode()).as(response::body).isEqualTo(200);
    for (JsonNode link : Json.MAPPER.readTree(response.body()).path("links")) {
      for (JsonNode partition : link.path("topics")) {
        if (partition.path("sourceTopic").asText().equals(topic)) {
          return partition.path("messagesForwarded").asLong();
        }
      }
    }
    return 0;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = runner.httpUri().resolve(path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends keyed messages and returns their values in the order sent. Without a schema: this test is
   * about the daemon, not about schema replication.
   */
  private static List<String> produce(PulsarCluster cluster, String topic) throws Exception {
    List<String> sent = new ArrayList<>();
    try (PulsarClient client = cluster.newClient();
        Producer<byte[]> producer = client.newProducer().topic(topic).create()) {
      for (int i = 0; i < MESSAGES; i++) {
        String value = "message-" + i;
        producer.newMessage().key(key(i)).value(value.getBytes(UTF_8)).send();
        sent.add(value);
      }
    }
    return sent;
  }

  /** The values of every message of the topic, from the earliest; checks each message's key. */
  private static List<String> readAll(PulsarCluster cluster, String topic) throws Exception {
    List<String> values = new ArrayList<>();
    try (PulsarClient client = cluster.newClient();
        Reader<byte[]> reader =
            client.newReader().topic(topic).startMessageId(MessageId.earliest).create()) {
      while (reader.hasMessageAvailable()) {
        Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
        if (message == null) {
          break;
        }
        String value = new String(message.getValue(), UTF_8);
        int index = Integer.parseInt(value.substring("message-".length()));
        assertThat(message.getKey()).as("key of %s", value).isEqualTo(key(index));
        values.add(value);
      }
    }
    return values;
  }

  private static String key(int index) {
    return "k-" + index % KEYS;
  }

  private String config(PulsarCluster east, PulsarCluster west) {
    return """
        clusters:
          east:
            serviceUrl: %s
            adminUrl: %s
          west:
            serviceUrl: %s
            adminUrl: %s
        state:
          dir: %s
        http:
          listen: 127.0.0.1:0
        links:
          - name: east-to-west
            source: east
            target: west
            scope:
              namespaces: [public/default]
            discoveryInterval: 1s
        """
        .formatted(
            east.serviceUrl(),
            east.adminUrl(),
            west.serviceUrl(),
            west.adminUrl(),
            dir.resolve("state"));
  }
}
