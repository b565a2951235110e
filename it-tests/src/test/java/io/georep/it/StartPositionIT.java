package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a new link starts: {@code earliest} takes the whole backlog, a timestamp takes what was
 * published from then on, {@code latest} only what comes after it started.
 */
class StartPositionIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  @TempDir Path dir;

  @Test
  void earliestTimestampAndLatest() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    List<String> modes = List.of("earliest", "timestamp", "latest");
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        for (String mode : modes) {
          cluster.createNamespaces("start/" + mode);
          admin.topics().createPartitionedTopic(topic(mode), 2);
        }
      }
    }
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        KeyedWorkload old = workload(source, "old", modes);
        KeyedWorkload recent = workload(source, "recent", modes);
        KeyedWorkload live = workload(source, "live", modes);
        KeyedWorkload later = workload(source, "later", modes)) {
      old.send(300);
      Instant cut = Instant.now();
      // Publish times are in milliseconds: the next message is strictly after the cut.
      await().until(() -> Instant.now().isAfter(cut.plusMillis(5)));
      recent.send(300);

      String yaml =
          GeorepYaml.config(
              dir.resolve("state"),
              link("earliest", "earliest")
                  + link("timestamp", cut.toString())
                  + link("latest", "latest"),
              east,
              west);
      GeorepConfig config = ConfigLoader.parse(yaml, "start-it", Map.of());
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await().atMost(Duration.ofSeconds(30)).until(runner::ready);
        await("every partition subscribed")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    runner.status().links().stream()
                        .allMatch(
                            l ->
                                l.topics().size() == 2
                                    && l.topics().stream()
                                        .allMatch(t -> t.state().name().equals("RUNNING"))));
        live.send(300);

        await("live messages reach every link's target")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> ReplicationVerifier.verify(target, live, Map.of()).missing() == 0);
        assertThat(countOn(target, old, "earliest")).isEqualTo(100);
        assertThat(countOn(target, recent, "earliest")).isEqualTo(100);
        assertThat(countOn(target, old, "timestamp")).isZero();
        assertThat(countOn(target, recent, "timestamp")).isEqualTo(100);
        assertThat(countOn(target, old, "latest")).isZero();
        assertThat(countOn(target, recent, "latest")).isZero();
        assertThat(runner.stop()).as("every link drained").isTrue();
      }

      // The state directory is lost (or the daemon moved host): the cursors exist on the source,
      // so no link goes back to its timestamp; each resumes where its cursor stands.
      deleteRecursively(dir.resolve("state"));
      later.send(300);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await("later messages reach every link's target")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> ReplicationVerifier.verify(target, later, Map.of()).missing() == 0);
        assertThat(countOn(target, recent, "timestamp")).isEqualTo(100);
        assertThat(countOn(target, live, "timestamp")).isEqualTo(100);
        assertThat(countOn(target, later, "timestamp")).isEqualTo(100);
        assertThat(countOn(target, old, "timestamp")).isZero();
      }
    }
  }

  private static void deleteRecursively(Path root) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  /** Messages of {@code workload} on the target topic of {@code mode}'s link. */
  private static long countOn(PulsarClient target, KeyedWorkload workload, String mode)
      throws Exception {
    return Topics.readAll(target, topic(mode)).stream()
        .filter(m -> workload.name().equals(m.getProperty(KeyedWorkload.WORKLOAD)))
        .count();
  }

  private static KeyedWorkload workload(PulsarClient client, String name, List<String> modes)
      throws Exception {
    return new KeyedWorkload(
        client, name, modes.stream().map(StartPositionIT::topic).toList(), 10, 50);
  }

  private static String topic(String mode) {
    return "persistent://start/" + mode + "/events";
  }

  private static String link(String mode, String startAt) {
    return GeorepYaml.link(
        "start-" + mode,
        "east",
        "west",
        "{ namespaces: [start/" + mode + "] }",
        "startAt: " + startAt);
  }
}
