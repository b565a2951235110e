package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.Provenance;
import io.georep.replicator.TopicState;
import io.georep.state.Checkpoint;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.policies.data.AutoTopicCreationOverride;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running link picks up by itself: topics and partitions created after it started, within
 * its include/exclude patterns, also across tenants with {@code cluster: true}; what it lets go (a
 * topic deleted on the source, a topic excluded by a changed config); and an active-active pair
 * that never sends a message back.
 */
class ReplicationScopeIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  @TempDir Path dir;

  @BeforeAll
  static void tenants() throws Exception {
    for (PulsarCluster cluster : clusters.all()) {
      cluster.createNamespaces(
          "scope/discovered",
          "scope/both-ways",
          "scope/mismatch",
          "scope/routed",
          "scope/deleted",
          "scope/limited",
          "scope/leaving",
          "whole-a/one",
          "whole-a/two",
          "whole-b/three");
    }
  }

  @Test
  void newTopicsAndPartitionsInScopeStartReplicatingOthersNever() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String ns = "persistent://scope/discovered/";
    GeorepConfig config =
        config(
            link(
                "discover",
                "east",
                "west",
                "{ namespaces: [scope/discovered], include: [\"events-.*\"], exclude: [\".*-tmp\"] }"));
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
        PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      // Created after the daemon started: found by discovery, not configured by name.
      eastAdmin.topics().createNonPartitionedTopic(ns + "events-a");
      eastAdmin.topics().createPartitionedTopic(ns + "events-b", 2);
      eastAdmin.topics().createNonPartitionedTopic(ns + "events-tmp");
      eastAdmin.topics().createNonPartitionedTopic(ns + "other");
      for (String topic : List.of("events-a", "events-b", "events-tmp", "other")) {
        produce(eastClient, ns + topic, "first", 20);
      }

      awaitCount(westClient, ns + "events-a", 20);
      // Read only once georep made the partitioned target: a reader first would auto-create it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  westAdmin
                      .topics()
                      .getPartitionedTopicList("scope/discovered")
                      .contains(ns + "events-b"));
      awaitCount(westClient, ns + "events-b", 20);
      assertThat(westAdmin.topics().getPartitionedTopicMetadata(ns + "events-b").partitions)
          .isEqualTo(2);

      // A partition added on the source appears on the target and replicates.
      eastAdmin.topics().updatePartitionedTopic(ns + "events-b", 3);
      produce(eastClient, ns + "events-b", "second", 30);
      await("the target grows to 3 partitions")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> westAdmin.topics().getPartitionedTopicMetadata(ns + "events-b").partitions,
              partitions -> partitions == 3);
      awaitCount(westClient, ns + "events-b", 50);
      assertThat(
              runner.status().links().get(0).topics().stream().map(t -> t.sourceTopic()).toList())
          .contains(ns + "events-b-partition-2")
          .noneMatch(t -> t.contains("events-tmp") || t.endsWith("/other"));

      // Excluded and not-included topics never reach the target.
      List<String> targetTopics = westAdmin.topics().getList("scope/discovered");
      assertThat(targetTopics).noneMatch(t -> t.contains("events-tmp") || t.endsWith("/other"));
    }
  }

  @Test
  void aClusterLinkReplicatesEveryTenantAndNamespaceInItsPatternsAndANewNamespaceToo()
      throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String orders = "persistent://whole-a/one/orders";
    String events = "persistent://whole-a/two/events";
    String logs = "persistent://whole-b/three/logs";
    String scratch = "persistent://whole-b/three/logs-tmp";
    String later = "persistent://whole-b/later/audit";
    // The whole cluster, narrowed by the patterns to this test's tenants (the other tests' topics
    // share the source): include on "namespace/local", exclude on the local name.
    GeorepConfig config =
        config(
            link(
                "whole",
                "east",
                "west",
                "{ cluster: true, include: [\"whole-.*\"], exclude: [\".*-tmp\"] }"));
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      eastAdmin.topics().createPartitionedTopic(orders, 2);
      for (String topic : List.of(events, logs, scratch)) {
        eastAdmin.topics().createNonPartitionedTopic(topic);
      }
      for (String topic : List.of(orders, events, logs, scratch)) {
        produce(eastClient, topic, "first", 20);
      }
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> westAdmin.topics().getPartitionedTopicList("whole-a/one").contains(orders));
        awaitCount(westClient, orders, 20);
        awaitCount(westClient, events, 20);
        awaitCount(westClient, logs, 20);

        // A namespace created while the link runs (on both sides, as an operator or metadata sync
        // would): its topics are found by the next discovery.
        east.createNamespaces("whole-b/later");
        west.createNamespaces("whole-b/later");
        eastAdmin.topics().createNonPartitionedTopic(later);
        produce(eastClient, later, "later", 15);
        awaitCount(westClient, later, 15);
        produce(eastClient, orders, "second", 10);
        awaitCount(westClient, orders, 30);

        assertThat(runner.status().links().get(0).topics())
            .extracting(t -> t.sourceTopic())
            .containsExactlyInAnyOrder(
                orders + "-partition-0", orders + "-partition-1", events, logs, later);
        assertThat(westAdmin.topics().getList("whole-b/three")).doesNotContain(scratch);
        assertThat(Topics.readAll(westClient, later))
            .extracting(m -> new String(m.getData()))
            .containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 15).mapToObj(i -> "m" + i).toList());
      }
    }
  }

  @Test
  void aTopicExcludedByAChangedConfigStopsAndNothingMoreArrives() throws Exception {
    String kept = "persistent://scope/leaving/kept";
    String dropped = "persistent://scope/leaving/dropped";
    try (PulsarAdmin eastAdmin = clusters.get("east").newAdmin();
        PulsarClient eastClient = clusters.get("east").newClient();
        PulsarClient westClient = clusters.get("west").newClient()) {
      eastAdmin.topics().createNonPartitionedTopic(kept);
      eastAdmin.topics().createNonPartitionedTopic(dropped);
      GeorepConfig before =
          config(link("leaving", "east", "west", "{ namespaces: [scope/leaving] }"));
      try (DaemonRunner runner = DaemonRunner.start(before, new HostPort("127.0.0.1", 0))) {
        produce(eastClient, kept, "k", 10);
        produce(eastClient, dropped, "d", 10);
        awaitCount(westClient, kept, 10);
        awaitCount(westClient, dropped, 10);
      }

      // The daemon reads its config only at start: the operator excludes the topic and restarts it.
      GeorepConfig after =
          config(
              link(
                  "leaving",
                  "east",
                  "west",
                  "{ namespaces: [scope/leaving], exclude: [\"dropped\"] }"));
      try (DaemonRunner runner = DaemonRunner.start(after, new HostPort("127.0.0.1", 0))) {
        produce(eastClient, kept, "k", 10);
        produce(eastClient, dropped, "d", 10);
        awaitCount(westClient, kept, 20);
        // Several discovery rounds later: never listed, nothing more on the target.
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(runner.status().links().get(0).topics())
                      .extracting(t -> t.sourceTopic())
                      .containsExactly(kept);
                  assertThat(Topics.readAll(westClient, dropped)).hasSize(10);
                });
        // georep's subscription on the excluded topic stays and holds what was not forwarded (as
        // entries: the producer batched the 10).
        assertThat(
                eastAdmin
                    .topics()
                    .getStats(dropped)
                    .getSubscriptions()
                    .get("georep-leaving")
                    .getMsgBacklog())
            .isPositive();
      }
    }
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      assertThat(store.checkpoints().get(new SourcePartition("leaving", dropped)))
          .get()
          .extracting(Checkpoint::forwardedCount)
          .isEqualTo(10L);
      assertThat(store.checkpoints().get(new SourcePartition("leaving", kept)))
          .get()
          .extracting(Checkpoint::forwardedCount)
          .isEqualTo(20L);
    }
  }

  @Test
  void anActiveActivePairDeliversEachMessageOnceToEachSideAndNeverBack() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://scope/both-ways/orders";
    GeorepConfig config =
        config(
            link("east-west", "east", "west", "{ namespaces: [scope/both-ways] }")
                + link("west-east", "west", "east", "{ namespaces: [scope/both-ways] }"));
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin()) {
      eastAdmin.topics().createNonPartitionedTopic(topic);
      westAdmin.topics().createNonPartitionedTopic(topic);
    }
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0));
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      produce(eastClient, topic, "from-east", 100);
      produce(westClient, topic, "from-west", 100);

      for (PulsarClient side : List.of(eastClient, westClient)) {
        // Exactly 200, and still 200 a while later: nothing bounces back.
        await()
            .atMost(Duration.ofSeconds(60))
            .during(Duration.ofSeconds(3))
            .until(() -> Topics.readAll(side, topic).size() == 200);
      }
      List<Message<byte[]>> onEast = Topics.readAll(eastClient, topic);
      assertThat(onEast.stream().filter(m -> m.getKey().startsWith("from-west")))
          .hasSize(100)
          .allMatch(m -> "west".equals(Provenance.originOf(m)));
      assertThat(onEast.stream().filter(m -> m.getKey().startsWith("from-east")))
          .hasSize(100)
          .allMatch(m -> Provenance.originOf(m) == null);
      assertThat(runner.status().links())
          .allSatisfy(l -> assertThat(l.messagesForwarded()).isEqualTo(100));

      // Both links drain on shutdown (not merely time out).
      assertThat(runner.stop()).as("every link drained").isTrue();
      assertThat(runner.status().links())
          .extracting(l -> l.state())
          .containsOnly(io.georep.replicator.LinkState.STOPPED);
    }
  }

  @Test
  void aNonPartitionedTargetForAPartitionedSourceIsAnErrorNotASilentDetour() throws Exception {
    String topic = "persistent://scope/mismatch/orders";
    try (PulsarAdmin eastAdmin = clusters.get("east").newAdmin();
        PulsarAdmin westAdmin = clusters.get("west").newAdmin()) {
      eastAdmin.topics().createPartitionedTopic(topic, 2);
      westAdmin.topics().createNonPartitionedTopic(topic); // e.g. auto-created by a consumer
    }
    GeorepConfig config =
        config(link("mismatch", "east", "west", "{ namespaces: [scope/mismatch] }"));
    try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(runner.status().links().get(0).topics())
                      .hasSize(2)
                      .allSatisfy(
                          t -> {
                            assertThat(t.state()).isEqualTo(TopicState.ERROR);
                            assertThat(t.lastError())
                                .contains("exists on the target as a non-partitioned topic")
                                .contains("2 partitions");
                          }));
    }
    try (PulsarAdmin westAdmin = clusters.get("west").newAdmin()) {
      assertThat(westAdmin.topics().getList("scope/mismatch")).containsExactly(topic);
    }
  }

  @Test
  void withMoreTargetPartitionsEachKeyLandsWhereTheDefaultRouterPutsItInOrder() throws Exception {
    String topic = "persistent://scope/routed/orders";
    String renamed = topic + "-r"; // mapped with a suffix; partitions keep -partition-N last
    String probe = "persistent://scope/routed/probe";
    try (PulsarAdmin eastAdmin = clusters.get("east").newAdmin();
        PulsarAdmin westAdmin = clusters.get("west").newAdmin()) {
      eastAdmin.topics().createPartitionedTopic(topic, 2);
      westAdmin.topics().createPartitionedTopic(renamed, 3);
      westAdmin.topics().createPartitionedTopic(probe, 3);
    }
    GeorepConfig config =
        config(
            GeorepYaml.link(
                "routed",
                "east",
                "west",
                "{ topics: [" + topic + "] }",
                "mapping: { topicSuffix: \"-r\" }"));
    try (PulsarClient eastClient = clusters.get("east").newClient();
        PulsarClient westClient = clusters.get("west").newClient();
        DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
      produce(eastClient, topic, "key", 20, 300);
      // Unbatched: one entry each, so the round-robin by entry has something to spread.
      try (Producer<byte[]> unkeyed =
          eastClient.newProducer().topic(topic).enableBatching(false).create()) {
        for (int i = 0; i < 60; i++) {
          unkeyed.sendAsync(("u" + i).getBytes());
        }
        unkeyed.flush();
      }
      awaitCount(westClient, renamed, 360);

      // Where a plain producer with default settings puts each key on a 3-partition topic.
      Map<String, Integer> expected = new HashMap<>();
      try (Producer<byte[]> router = westClient.newProducer().topic(probe).create()) {
        for (int k = 0; k < 20; k++) {
          MessageId id = router.newMessage().key("key-" + k).value(new byte[0]).send();
          expected.put("key-" + k, ((MessageIdAdv) id).getPartitionIndex());
        }
      }
      Set<String> unkeyedSeen = new HashSet<>();
      Set<Integer> unkeyedPartitions = new HashSet<>();
      for (int p = 0; p < 3; p++) {
        Map<String, Integer> lastIndexByKey = new HashMap<>();
        for (Message<byte[]> m : Topics.readAll(westClient, renamed + "-partition-" + p)) {
          String value = new String(m.getData());
          if (!m.hasKey()) {
            assertThat(unkeyedSeen.add(value)).as("unkeyed %s once", value).isTrue();
            unkeyedPartitions.add(p);
            continue;
          }
          assertThat(p).as("partition of %s", m.getKey()).isEqualTo(expected.get(m.getKey()));
          int index = Integer.parseInt(value.substring(1));
          assertThat(index)
              .as("order of %s", m.getKey())
              .isGreaterThan(lastIndexByKey.getOrDefault(m.getKey(), -1));
          lastIndexByKey.put(m.getKey(), index);
        }
      }
      assertThat(unkeyedSeen).hasSize(60);
      assertThat(unkeyedPartitions).as("unkeyed messages spread round-robin").hasSizeGreaterThan(1);
    }
  }

  @Test
  void aTopicDeletedOnTheSourceStopsKeepsItsCheckpointAndIsNotCreatedAgain() throws Exception {
    String gone = "persistent://scope/deleted/gone";
    String stays = "persistent://scope/deleted/stays";
    GeorepConfig config =
        config(link("deleted", "east", "west", "{ namespaces: [scope/deleted] }"));
    try (PulsarAdmin eastAdmin = clusters.get("east").newAdmin();
        PulsarClient eastClient = clusters.get("east").newClient();
        PulsarClient westClient = clusters.get("west").newClient()) {
      // With auto-creation on, Pulsar recreates a deleted topic for any consumer that reconnects,
      // georep's included (see docs/replication.md); operators who delete topics turn it off.
      eastAdmin
          .namespaces()
          .setAutoTopicCreation(
              "scope/deleted",
              AutoTopicCreationOverride.builder()
                  .allowAutoTopicCreation(false)
                  .topicType("non-partitioned")
                  .build());
      eastAdmin.topics().createNonPartitionedTopic(gone);
      eastAdmin.topics().createNonPartitionedTopic(stays);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        produce(eastClient, gone, "g", 5, 10);
        produce(eastClient, stays, "s", 5, 10);
        awaitCount(westClient, gone, 10);
        awaitCount(westClient, stays, 10);

        eastAdmin.topics().delete(gone, true);
        await("the deleted topic's replicator stopped")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    runner.status().links().get(0).topics().stream()
                        .noneMatch(t -> t.sourceTopic().equals(gone)));
        // Several discovery rounds and restarts later it is still gone: georep did not subscribe
        // to it again (which would create it where auto-creation is on).
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(10))
            .until(() -> !eastAdmin.topics().getList("scope/deleted").contains(gone));
        produce(eastClient, stays, "s", 5, 10);
        awaitCount(westClient, stays, 20);

        // The event outlives the stopped replicator (its other meters are removed with it).
        assertThat(runner.metrics())
            .containsPattern(
                "georep_events_total\\{kind=\"source-deleted\",link=\"deleted\",topic=\""
                    + java.util.regex.Pattern.quote(gone)
                    + "\",?[^}]*} 1\\.0");
        var link = runner.status().links().get(0);
        assertThat(link.lastError()).isNull();
        assertThat(link.topics())
            .singleElement()
            .satisfies(
                t -> {
                  assertThat(t.sourceTopic()).isEqualTo(stays);
                  assertThat(t.state()).isEqualTo(TopicState.RUNNING);
                  assertThat(t.lastError()).isNull();
                });
      }
    }
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      assertThat(store.checkpoints().get(new SourcePartition("deleted", gone)))
          .get()
          .extracting(Checkpoint::forwardedCount)
          .isEqualTo(10L);
    }
  }

  @Test
  void aLinkRateLimitPacesABacklog() throws Exception {
    String topic = "persistent://scope/limited/events";
    GeorepConfig config =
        config(
            GeorepYaml.link(
                "limited",
                "east",
                "west",
                "{ namespaces: [scope/limited] }",
                "limits: { messagesPerSecond: 100 }"));
    try (PulsarClient eastClient = clusters.get("east").newClient();
        PulsarClient westClient = clusters.get("west").newClient()) {
      // Entries of at most 10 messages: georep forwards an entry whole, so one entry is the
      // smallest step the limit can pace.
      try (Producer<byte[]> producer =
          eastClient.newProducer(Schema.BYTES).topic(topic).batchingMaxMessages(10).create()) {
        for (int i = 0; i < 300; i++) {
          producer.newMessage().value(("m" + i).getBytes()).sendAsync();
        }
        producer.flush();
      }
      long start = System.nanoTime();
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        // At any moment: at most one second of burst plus 100 per second since the start.
        await("all 300 at 100 per second")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  int received = Topics.readAll(westClient, topic).size();
                  double seconds = (System.nanoTime() - start) / 1e9;
                  assertThat((double) received)
                      .as("received after %.1f s", seconds)
                      .isLessThanOrEqualTo(100 + 100 * seconds + 10);
                  return received == 300;
                });
        // And not faster on the whole: the 200 beyond the first second's burst need 2 s.
        assertThat((System.nanoTime() - start) / 1e9).isGreaterThanOrEqualTo(1.9);
      }
    }
  }

  @Test
  void aReceiveQueueBudgetSmallerThanAnEntryPerPartitionStillDeliversEveryPartitionInBothModes()
      throws Exception {
    // 2 links x 12 partitions share 16 KiB: under 700 bytes each, less than one batch of the 1 KB
    // messages below, so every consumer runs on its floor of one entry, in both modes at once.
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    List<String> modes = List.of("entries", "messages");
    StringBuilder links = new StringBuilder();
    for (String mode : modes) {
      for (PulsarCluster cluster : clusters.all()) {
        cluster.createNamespaces("scope/budget-" + mode);
      }
      links.append(
          GeorepYaml.link(
              "budget-" + mode,
              "east",
              "west",
              "{ namespaces: [scope/budget-" + mode + "] }",
              "forwarding: " + mode));
    }
    String yaml =
        GeorepYaml.config(dir.resolve("state"), links.toString(), east, west)
            .replace("\nlinks:\n", "\nlimits: { receiveQueueBytes: 16KiB }\nlinks:\n");
    GeorepConfig config = ConfigLoader.parse(yaml, "scope-it", Map.of());
    assertThat(config.limits().receiveQueueBytes()).isEqualTo(16 * 1024);
    byte[] kilobyte = new byte[1024];
    try (PulsarAdmin eastAdmin = east.newAdmin();
        PulsarAdmin westAdmin = west.newAdmin();
        PulsarClient eastClient = east.newClient();
        PulsarClient westClient = west.newClient()) {
      for (String mode : modes) {
        String topic = "persistent://scope/budget-" + mode + "/events";
        eastAdmin.topics().createPartitionedTopic(topic, 12);
        // Here before the test reads it (a reader would auto-create it non-partitioned).
        westAdmin.topics().createPartitionedTopic(topic, 12);
        try (Producer<byte[]> producer =
            eastClient.newProducer(Schema.BYTES).topic(topic).batchingMaxMessages(50).create()) {
          for (int i = 0; i < 2_400; i++) {
            producer.sendAsync(kilobyte);
          }
          producer.flush();
        }
      }
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        for (String mode : modes) {
          awaitCount(westClient, "persistent://scope/budget-" + mode + "/events", 2_400);
        }
      }
    }
  }

  private static String link(String name, String source, String target, String scope) {
    return GeorepYaml.link(name, source, target, scope);
  }

  private GeorepConfig config(String links) throws Exception {
    String yaml =
        GeorepYaml.config(dir.resolve("state"), links, clusters.get("east"), clusters.get("west"));
    return ConfigLoader.parse(yaml, "scope-it", Map.of());
  }

  private static void produce(PulsarClient client, String topic, String keyPrefix, int count)
      throws Exception {
    produce(client, topic, keyPrefix, 5, count);
  }

  /** {@code count} messages {@code m0, m1, ...}, keyed round-robin over {@code keys} keys. */
  private static void produce(
      PulsarClient client, String topic, String keyPrefix, int keys, int count) throws Exception {
    try (Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(topic).create()) {
      for (int i = 0; i < count; i++) {
        producer
            .newMessage()
            .key(keyPrefix + "-" + (i % keys))
            .value(("m" + i).getBytes())
            .sendAsync();
      }
      producer.flush();
    }
  }

  private static void awaitCount(PulsarClient client, String topic, int expected) {
    await(topic + " has " + expected + " messages")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> Topics.readAll(client, topic).size(), n -> n == expected);
  }
}
