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
 * Faults around the daemon itself. SIGTERM drains it in order (stop reading, wait for what is in
 * flight, write the checkpoints, move the cursors, close) and exits 0; when the target cannot
 * confirm what is in flight (its broker frozen with SIGSTOP), the daemon still stops, exits
 * non-zero and names the partition, and the next run delivers what was not confirmed. A full disk
 * under the state store (a real tmpfs, filled up) stops the partition with a visible {@code state}
 * error and sends nothing more; once there is room it goes on by itself, and nothing is lost or
 * duplicated.
 */
class DaemonFaultsIT {
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
      // What the frozen broker had buffered may land on its own; the daemon must be up before the
      // clean stop is tried (a SIGTERM before its hook is in place exits 143).
      await("the restarted daemon runs the topic (log: " + log + ")")
          .atMost(Duration.ofSeconds(60))
          .until(() -> topicsRunning(daemon));
      await("all 500 on the target after the restart (log: " + log + ")")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Topics.readAll(target, topic).size() >= 500);
      int cleanExit = daemon.terminate(Duration.ofSeconds(60));
      assertThat(cleanExit).as("a drained daemon exits 0; log:\n%s", daemon.logTail()).isZero();
      assertThat(
              Topics.readAll(target, topic).stream()
                  .map(m -> new String(m.getData(), StandardCharsets.UTF_8))
                  .distinct()
                  .count())
          .as("every message, none lost")
          .isEqualTo(500);
    }
  }

  @Test
  void aFullDiskStopsSendingVisiblyAndReplicationResumesByItselfOnceThereIsRoom() throws Exception {
    Path disk = dir.resolve("small-disk");
    Files.createDirectories(disk);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "mounting needs root");
    try {
      PulsarCluster east = clusters.get("east");
      PulsarCluster west = clusters.get("west");
      String namespace = "faults/disk";
      String topic = "persistent://" + namespace + "/orders";
      east.createNamespaces(namespace);
      west.createNamespaces(namespace);
      String yaml =
          GeorepYaml.config(
              disk.resolve("state"),
              GeorepYaml.link("disk", "east", "west", "{ namespaces: [" + namespace + "] }"),
              east,
              west);
      try (PulsarClient source = east.newClient();
          PulsarClient target = west.newClient();
          Producer<byte[]> producer = source.newProducer(Schema.BYTES).topic(topic).create();
          io.georep.daemon.DaemonRunner runner =
              io.georep.daemon.DaemonRunner.start(
                  io.georep.config.ConfigLoader.parse(yaml, "faults-it", java.util.Map.of()),
                  new io.georep.daemon.HostPort("127.0.0.1", 0))) {
        send(producer, 0, 200);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Topics.readAll(target, topic).size() == 200);

        Path filler = fill(disk.resolve("filler"));
        // Checkpoints are small: the page the store's log is writing still takes a few. One message
        // at a time until a checkpoint write fails.
        int sent = 200;
        while (sent < 1_000 && !inError(runner)) {
          producer.send(Integer.toString(sent++).getBytes(StandardCharsets.UTF_8));
        }
        await("a state error on the partition")
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(runner.status().links().get(0).topics())
                        .singleElement()
                        .satisfies(
                            t -> {
                              assertThat(t.state())
                                  .isEqualTo(io.georep.replicator.TopicState.ERROR);
                              assertThat(t.lastError()).contains("No space left on device");
                            }));
        int beforeMore = Topics.readAll(target, topic).size();
        send(producer, sent, 290);
        int total = sent + 290;
        await("nothing more is sent while the store refuses writes")
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> Topics.readAll(target, topic).size() == beforeMore);
        assertThat(beforeMore).isLessThanOrEqualTo(sent);

        Files.delete(filler);
        await("every message once, after the disk has room again")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> Topics.readAll(target, topic).size() >= total);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(runner.status().links().get(0).topics())
                        .singleElement()
                        .satisfies(
                            t ->
                                assertThat(t.state())
                                    .isEqualTo(io.georep.replicator.TopicState.RUNNING)));
        var arrived =
            Topics.readAll(target, topic).stream()
                .map(m -> new String(m.getData(), StandardCharsets.UTF_8))
                .toList();
        assertThat(arrived)
            .as("no duplicates, none missing")
            .hasSize(total)
            .doesNotHaveDuplicates();
      }
    } finally {
      new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor();
    }
  }

  /**
   * A target down for minutes makes every partition fail and restart with backoff, again and again;
   * the source's admin API must not pay for each restart of each partition. While the target is
   * frozen, the source serves discovery's rounds (a handful of requests each, with one request per
   * topic for the backlogs whatever its partition count) and at most one internal-stats read per
   * partition. Counted from the source broker's request log. Before, each restart listed the
   * namespace and each round read every partition's stats: some 600 requests here.
   */
  @Test
  void aTargetDownCostsTheSourcesAdminApiABoundedNumberOfRequests() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String namespace = "faults/outage";
    String topic = "persistent://" + namespace + "/orders";
    int partitions = 24;
    Duration interval = Duration.ofSeconds(5);
    Duration outage = Duration.ofSeconds(75);
    east.createNamespaces(namespace);
    west.createNamespaces(namespace);
    for (PulsarCluster cluster : java.util.List.of(east, west)) {
      try (var admin = cluster.newAdmin()) {
        admin.topics().createPartitionedTopic(topic, partitions);
      }
    }
    String link =
        String.join(
            "\n",
            "  - name: outage",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [" + namespace + "] }",
            "    discoveryInterval: " + interval.toSeconds() + "s",
            "");
    String yaml = GeorepYaml.config(dir.resolve("state"), link, east, west);
    try (PulsarClient source = east.newClient();
        // Without batching the round-robin router moves on with every message.
        Producer<byte[]> producer =
            source.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create();
        io.georep.daemon.DaemonRunner runner =
            io.georep.daemon.DaemonRunner.start(
                io.georep.config.ConfigLoader.parse(yaml, "faults-it", java.util.Map.of()),
                new io.georep.daemon.HostPort("127.0.0.1", 0))) {
      await("every partition running")
          .atMost(Duration.ofSeconds(60))
          .until(() -> running(runner) == partitions);
      long offset = Files.size(east.logFile());
      Thread.sleep(interval.multipliedBy(2).toMillis());
      assertThat(adminRequests(east.logFile(), offset))
          .as("the source's request log counts discovery's requests (broker log level info)")
          .isNotEmpty();
      int restartsBefore = restarts(runner);

      west.freeze();
      java.util.List<String> requests;
      try {
        offset = Files.size(east.logFile());
        send(producer, 0, 2 * partitions); // in flight on every partition when sends time out
        Thread.sleep(outage.toMillis());
        requests = adminRequests(east.logFile(), offset);
      } finally {
        west.unfreeze();
      }
      int restarts = restarts(runner) - restartsBefore;
      java.util.Map<String, Long> byPath =
          requests.stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      r ->
                          r.replaceAll("\\?.*", "")
                              .replaceAll("orders-partition-\\d+", "orders-partition-N"),
                      java.util.TreeMap::new,
                      java.util.stream.Collectors.counting()));
      System.out.printf(
          "source admin requests during a %d s target outage, %d partitions, %d restarts: %d %s%n",
          outage.toSeconds(), partitions, restarts, requests.size(), byPath);
      assertThat(restarts)
          .as("every partition failed and restarted")
          .isGreaterThanOrEqualTo(partitions);
      // Per discovery round: the partitioned topics (persistent and non-persistent), the
      // persistent topics, the topic's partition count and its partitioned stats.
      long rounds = outage.toSeconds() / interval.toSeconds() + 1;
      assertThat(requests.size()).isLessThanOrEqualTo((int) (rounds * 5 + partitions));

      await("every partition running again once the target is back")
          .atMost(Duration.ofSeconds(120))
          .until(() -> running(runner) == partitions);
    }
  }

  /** The admin requests a broker logged after {@code offset}: their method and path. */
  private static java.util.List<String> adminRequests(Path log, long offset) throws Exception {
    java.util.regex.Pattern request =
        java.util.regex.Pattern.compile("\"(GET|PUT|POST|DELETE) (/admin/\\S+) HTTP/");
    java.util.List<String> requests = new java.util.ArrayList<>();
    try (var in = new java.io.RandomAccessFile(log.toFile(), "r")) {
      in.seek(offset);
      byte[] bytes = new byte[(int) (in.length() - offset)];
      in.readFully(bytes);
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        var m = request.matcher(line);
        if (line.contains("RequestLog") && m.find()) {
          requests.add(m.group(1) + " " + m.group(2));
        }
      }
    }
    return requests;
  }

  private static int running(io.georep.daemon.DaemonRunner runner) {
    return (int)
        runner.status().links().stream()
            .flatMap(l -> l.topics().stream())
            .filter(t -> t.state() == io.georep.replicator.TopicState.RUNNING)
            .count();
  }

  private static int restarts(io.georep.daemon.DaemonRunner runner) {
    return runner.status().links().stream()
        .flatMap(l -> l.topics().stream())
        .mapToInt(io.georep.replicator.DaemonStatus.TopicStatus::restarts)
        .sum();
  }

  private static boolean inError(io.georep.daemon.DaemonRunner runner) {
    return runner.status().links().get(0).topics().stream()
        .anyMatch(t -> t.state() == io.georep.replicator.TopicState.ERROR);
  }

  /** Writes to {@code file} until the disk is full. */
  private static Path fill(Path file) throws java.io.IOException {
    byte[] block = new byte[64 * 1024];
    try (var out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (java.io.IOException full) {
      return file;
    }
  }

  private static void send(Producer<byte[]> producer, int from, int count) throws Exception {
    for (int i = from; i < from + count; i++) {
      producer.sendAsync(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
  }

  /** Whether the daemon's status API answers and every topic it lists is RUNNING (at least one). */
  private static boolean topicsRunning(DaemonProcess daemon) throws Exception {
    String status = daemon.status();
    if (status.isEmpty()) {
      return false;
    }
    int running = 0;
    for (JsonNode link : JSON.readTree(status).path("links")) {
      for (JsonNode t : link.path("topics")) {
        if (!"RUNNING".equals(t.path("state").asText())) {
          return false;
        }
        running++;
      }
    }
    return running > 0;
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
