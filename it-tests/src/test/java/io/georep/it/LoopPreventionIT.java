package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.Provenance;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No message bounces between clusters, whatever each link's forwarding mode: batches re-produced
 * message by message carry their origin on each message, batches forwarded whole on the entry, and
 * every link reads both. Pairs in all four combinations of modes, a pair whose partition counts
 * differ (which forces messages), and rings of three clusters with mixed modes: each message
 * produced anywhere arrives exactly once on every cluster, and the counts stay put.
 */
class LoopPreventionIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(),
          PulsarClusterSpec.builder("west").build(),
          PulsarClusterSpec.builder("central").build());

  private static final int PER_CLUSTER = 300;

  @TempDir Path dir;

  @ParameterizedTest(name = "east->west {0}, west->east {1}")
  @CsvSource({"entries,entries", "entries,messages", "messages,entries", "messages,messages"})
  void anActiveActivePairNeverLoops(String eastToWest, String westToEast) throws Exception {
    String namespace = "loops/pair-" + eastToWest + "-" + westToEast;
    String topic = "persistent://" + namespace + "/orders";
    createEverywhere(namespace, topic, Map.of("east", 0, "west", 0));
    String links =
        GeorepYaml.link(
                "ew-" + eastToWest + "-" + westToEast,
                "east",
                "west",
                scope(namespace),
                "forwarding: " + eastToWest)
            + GeorepYaml.link(
                "we-" + eastToWest + "-" + westToEast,
                "west",
                "east",
                scope(namespace),
                "forwarding: " + westToEast);
    runAndCheck(links, topic, List.of("east", "west"));
  }

  @Test
  void aPairWhosePartitionCountsDifferNeverLoops() throws Exception {
    String namespace = "loops/routed";
    String topic = "persistent://" + namespace + "/orders";
    createEverywhere(namespace, topic, Map.of("east", 2, "west", 3));
    String links =
        GeorepYaml.link("ew-routed", "east", "west", scope(namespace))
            + GeorepYaml.link("we-routed", "west", "east", scope(namespace));
    runAndCheck(links, topic, List.of("east", "west"));
  }

  @ParameterizedTest(name = "east->west {0}, west->central {1}, central->east {2}")
  @CsvSource({"messages,entries,messages", "entries,messages,entries"})
  void aRingOfThreeClustersNeverLoops(String first, String second, String third) throws Exception {
    String namespace = "loops/ring-" + first + "-" + second + "-" + third;
    String topic = "persistent://" + namespace + "/orders";
    createEverywhere(namespace, topic, Map.of("east", 0, "west", 0, "central", 0));
    String suffix = "-" + first + "-" + second + "-" + third;
    String links =
        GeorepYaml.link(
                "ring-ew" + suffix, "east", "west", scope(namespace), "forwarding: " + first)
            + GeorepYaml.link(
                "ring-wc" + suffix, "west", "central", scope(namespace), "forwarding: " + second)
            + GeorepYaml.link(
                "ring-ce" + suffix, "central", "east", scope(namespace), "forwarding: " + third);
    runAndCheck(links, topic, List.of("east", "west", "central"));
  }

  /** The link's scope; every link switches deduplication on at its target. */
  private static String scope(String namespace) {
    return "{ namespaces: [" + namespace + "] }\n    deduplication: enable";
  }

  /**
   * The namespace on every cluster, and the topic with its partition count (0: not partitioned).
   */
  private static void createEverywhere(String namespace, String topic, Map<String, Integer> counts)
      throws Exception {
    for (Map.Entry<String, Integer> cluster : counts.entrySet()) {
      PulsarCluster c = clusters.get(cluster.getKey());
      c.createNamespaces(namespace);
      try (PulsarAdmin admin = c.newAdmin()) {
        if (cluster.getValue() == 0) {
          admin.topics().createNonPartitionedTopic(topic);
        } else {
          admin.topics().createPartitionedTopic(topic, cluster.getValue());
        }
      }
    }
  }

  /**
   * Produces {@link #PER_CLUSTER} batched messages on each cluster while the daemon runs, then
   * checks that every cluster holds each of them exactly once, keeps holding that many for a few
   * seconds (nothing bounces), and names the right origin for each.
   */
  private void runAndCheck(String links, String topic, List<String> names) throws Exception {
    PulsarCluster[] members = names.stream().map(clusters::get).toArray(PulsarCluster[]::new);
    String yaml = GeorepYaml.config(dir.resolve("state"), links, members);
    Map<String, PulsarClient> clients = new LinkedHashMap<>();
    try (DaemonRunner runner =
        DaemonRunner.start(
            ConfigLoader.parse(yaml, "loop-prevention-it", Map.of()),
            new HostPort("127.0.0.1", 0))) {
      for (PulsarCluster member : members) {
        clients.put(member.name(), member.newClient());
      }
      for (Map.Entry<String, PulsarClient> side : clients.entrySet()) {
        produceBatches(side.getValue(), topic, side.getKey());
      }
      int expected = PER_CLUSTER * names.size();
      for (Map.Entry<String, PulsarClient> side : clients.entrySet()) {
        try {
          await("every message once on " + side.getKey())
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> Topics.readAll(side.getValue(), topic).size() >= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(shortOf(side.getKey(), side.getValue(), topic, expected), e);
        }
      }
      for (Map.Entry<String, PulsarClient> side : clients.entrySet()) {
        await("nothing more arrives on " + side.getKey())
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> Topics.readAll(side.getValue(), topic).size() == expected);
        List<Message<byte[]>> held = Topics.readAll(side.getValue(), topic);
        Map<String, Long> perKey =
            held.stream().collect(Collectors.groupingBy(Message::getKey, Collectors.counting()));
        assertThat(perKey).as("each message once on %s", side.getKey()).hasSize(expected);
        assertThat(perKey.values()).containsOnly(1L);
        Map<String, Long> byOrigin =
            held.stream()
                .collect(
                    Collectors.groupingBy(
                        m -> Objects.requireNonNullElse(Provenance.originOf(m), side.getKey()),
                        Collectors.counting()));
        Map<String, Long> wanted =
            names.stream().collect(Collectors.toMap(Function.identity(), n -> (long) PER_CLUSTER));
        assertThat(byOrigin).as("origins on %s", side.getKey()).isEqualTo(wanted);
        for (Message<byte[]> m : held) {
          String origin = Objects.requireNonNullElse(Provenance.originOf(m), side.getKey());
          assertThat(m.getKey())
              .as("origin of %s on %s", m.getKey(), side.getKey())
              .startsWith(origin + "-");
        }
      }
      assertThat(runner.stop()).as("every link drained").isTrue();
    } finally {
      for (PulsarClient client : clients.values()) {
        client.close();
      }
    }

    // An ordinary restart: each checkpoint's sequence id is one the target holds (not that of a
    // message filtered as a loop), so no partition reports the target behind.
    try (DaemonRunner runner =
        DaemonRunner.start(
            ConfigLoader.parse(yaml, "loop-prevention-it", Map.of()),
            new HostPort("127.0.0.1", 0))) {
      await("every partition running again")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  runner.status().links().stream()
                      .allMatch(
                          l ->
                              !l.topics().isEmpty()
                                  && l.topics().stream()
                                      .allMatch(
                                          t ->
                                              t.state()
                                                  == io.georep.replicator.TopicState.RUNNING)));
      assertThat(runner.status().links())
          .allSatisfy(
              l ->
                  assertThat(l.topics())
                      .allSatisfy(
                          t ->
                              assertThat(t.lastEvent())
                                  .as("event of %s on link %s", t.sourceTopic(), l.name())
                                  .isNull()));
    }
  }

  /** What a cluster holds when it holds too few: by origin and by partition, for the failure. */
  private static String shortOf(String cluster, PulsarClient client, String topic, int expected)
      throws Exception {
    List<Message<byte[]>> held = Topics.readAll(client, topic);
    Map<String, Long> byOrigin =
        held.stream()
            .collect(
                Collectors.groupingBy(
                    m -> Objects.requireNonNullElse(Provenance.originOf(m), cluster),
                    java.util.TreeMap::new,
                    Collectors.counting()));
    Map<String, Long> byPartition =
        held.stream()
            .collect(
                Collectors.groupingBy(
                    Message::getTopicName, java.util.TreeMap::new, Collectors.counting()));
    return cluster
        + " holds "
        + held.size()
        + " of "
        + expected
        + " messages; by origin "
        + byOrigin
        + "; by partition "
        + byPartition;
  }

  /** Batches of 50 (one entry each per partition), keyed by cluster and number. */
  private static void produceBatches(PulsarClient client, String topic, String cluster)
      throws Exception {
    try (Producer<byte[]> producer =
        client
            .newProducer(Schema.BYTES)
            .topic(topic)
            .enableBatching(true)
            .batchingMaxMessages(50)
            .batchingMaxPublishDelay(1, TimeUnit.HOURS)
            .create()) {
      for (int i = 0; i < PER_CLUSTER; i++) {
        producer.newMessage().key(cluster + "-" + i).value(new byte[] {(byte) i}).sendAsync();
        if (i % 50 == 49) {
          producer.flush();
        }
      }
      producer.flush();
    }
  }
}
