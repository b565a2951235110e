package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.TopicState;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import io.georep.testkit.ReplicationVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source messages leave georep's cursor unread while the daemon is stopped: skipped by an operator,
 * or expired by a real message TTL (reported as a {@code source-gap} with the exact count). Every
 * message produced after that gap reaches a deduplicating target, none twice: the sequence ids,
 * taken from source positions, keep growing across the gap, so the target's deduplication drops
 * nothing new.
 */
class ExpiredBacklogIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          // A message TTL is applied by the broker's expiry check, every 5 minutes by default.
          PulsarClusterSpec.builder("east")
              .brokerSetting("messageExpiryCheckIntervalInMinutes", "1")
              .build(),
          PulsarClusterSpec.builder("west").deduplication(true).build());

  private static final String TOPIC = "persistent://gap/orders/orders";

  @TempDir Path dir;

  @Test
  void messagesAfterAnExpiredGapAllArriveOnADeduplicatingTarget() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    east.createNamespaces("gap/orders");
    west.createNamespaces("gap/orders");
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        // On the target too: the verifier's reader would otherwise auto-create it unpartitioned.
        admin.topics().createPartitionedTopic(TOPIC, 2);
      }
    }
    GeorepConfig config =
        config("state", GeorepYaml.link("gap", "east", "west", "{ namespaces: [gap/orders] }"));

    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        PulsarAdmin eastAdmin = east.newAdmin();
        KeyedWorkload before = new KeyedWorkload(source, "before", List.of(TOPIC), 10, 100);
        KeyedWorkload expired = new KeyedWorkload(source, "expired", List.of(TOPIC), 10, 100);
        KeyedWorkload after = new KeyedWorkload(source, "after", List.of(TOPIC), 10, 100)) {
      before.send(1_000);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ReplicationVerifier.verify(target, before, Map.of()).missing() == 0);
      }

      // While georep is stopped: messages arrive and leave its cursor unread, as a message TTL or
      // a backlog quota would make them (skipping is the deterministic way to get there).
      expired.send(1_000);
      eastAdmin.topics().skipAllMessages(TOPIC, "georep-gap");
      await("the cursor skipped the expired messages")
          .atMost(Duration.ofSeconds(30))
          .until(() -> backlog(eastAdmin) == 0);
      after.send(1_000);

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        ReplicationVerifier.Report report =
            await("every message produced after the gap")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () -> ReplicationVerifier.verify(target, after, Map.of()),
                    r -> r.missing() == 0);
        assertThat(report.produced()).isEqualTo(1_000);
        assertThat(report.duplicated()).isZero();
        assertThat(report.orderViolations()).isZero();
        // Each partition reports what it lost at the source: some of the 1,000 expired messages'
        // entries (batches), never more.
        var topics = awaitEvent(runner, 2, "source-gap");
        long lostEntries = 0;
        for (var topic : topics) {
          java.util.regex.Matcher m =
              java.util.regex.Pattern.compile(
                      "^source-gap: (\\d+) source entries of "
                          + java.util.regex.Pattern.quote(topic.sourceTopic()))
                  .matcher(topic.lastEvent());
          assertThat(m.find()).as(topic.lastEvent()).isTrue();
          lostEntries += Long.parseLong(m.group(1));
        }
        assertThat(lostEntries).isBetween(2L, 1_000L);
        assertThat(runner.metrics()).contains("georep_source_gap_entries_total");
        // The expired ones never reached the target, and nothing came twice.
        assertThat(ReplicationVerifier.verify(target, expired, Map.of()).received()).isZero();
        assertThat(ReplicationVerifier.verify(target, before, Map.of()).duplicated()).isZero();
      }
    }
  }

  @Test
  void messagesExpiredByAMessageTtlWhileTheDaemonIsStoppedAreReportedAsAGapWithTheirCount()
      throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String namespace = "gap/ttl";
    String topic = "persistent://gap/ttl/events";
    east.createNamespaces(namespace);
    west.createNamespaces(namespace);
    GeorepConfig config =
        config("state-ttl", GeorepYaml.link("ttl", "east", "west", "{ namespaces: [gap/ttl] }"));
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        PulsarAdmin eastAdmin = east.newAdmin()) {
      eastAdmin.topics().createNonPartitionedTopic(topic);
      sendUnbatched(source, topic, "before", 20);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Topics.readAll(target, topic).size() == 20);
      }

      // While georep is stopped: 30 entries (one message each) expire by the namespace's TTL.
      sendUnbatched(source, topic, "expired", 30);
      eastAdmin.namespaces().setNamespaceMessageTTL(namespace, 1);
      await("the broker's expiry check moved georep's cursor past the 30")
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> backlog(eastAdmin, topic, "georep-ttl") == 0);
      eastAdmin.namespaces().removeNamespaceMessageTTL(namespace);
      await().until(() -> eastAdmin.namespaces().getNamespaceMessageTTL(namespace) == null);
      sendUnbatched(source, topic, "after", 25);

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
          expected.add("before-" + i);
        }
        for (int i = 0; i < 25; i++) {
          expected.add("after-" + i);
        }
        await("the 25 after the gap, and nothing else")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () ->
                    assertThat(Topics.readAll(target, topic))
                        .extracting(m -> new String(m.getData()))
                        .containsExactlyElementsOf(expected));
        var status = awaitEvent(runner, 1, "source-gap");
        assertThat(status.get(0).lastEvent())
            .startsWith("source-gap: 30 source entries of " + topic + " after georep's checkpoint")
            .contains("message TTL");
        assertThat(status.get(0).state()).isEqualTo(TopicState.RUNNING);
        assertThat(status.get(0).lastError()).isNull();
        assertThat(runner.metrics())
            .containsPattern(
                "georep_source_gap_entries_total\\{link=\"ttl\",topic=\""
                    + java.util.regex.Pattern.quote(topic)
                    + "\",?} 30\\.0")
            .containsPattern(
                "georep_events_total\\{kind=\"source-gap\",link=\"ttl\",topic=\""
                    + java.util.regex.Pattern.quote(topic)
                    + "\",?} 1\\.0");

        // Replication goes on after the gap.
        sendUnbatched(source, topic, "later", 5);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Topics.readAll(target, topic).size() == 50);
      }
    }
  }

  @Test
  void aTargetThatLostItsDeduplicationStateIsReportedAndReplicationGoesOn() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://gap/recreated/events";
    east.createNamespaces("gap/recreated");
    west.createNamespaces("gap/recreated");
    GeorepConfig config =
        config(
            "state-recreated",
            GeorepYaml.link(
                "recreated",
                "east",
                "west",
                "{ namespaces: [gap/recreated] }",
                "deduplication: enable"));
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        PulsarAdmin westAdmin = west.newAdmin();
        KeyedWorkload before = new KeyedWorkload(source, "before", List.of(topic), 5, 100);
        KeyedWorkload after = new KeyedWorkload(source, "after", List.of(topic), 5, 100)) {
      before.send(300);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ReplicationVerifier.verify(target, before, Map.of()).missing() == 0);
      }
      // Someone deletes and recreates the target topic while georep is stopped: the target's
      // deduplication state for georep's producer is gone with it.
      westAdmin.topics().delete(topic, true);
      westAdmin.topics().createNonPartitionedTopic(topic);
      after.send(300);

      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        var status = awaitEvent(runner, 1, "target-sequence-behind");
        assertThat(status.get(0).lastEvent())
            .contains(topic)
            .contains("georep continues after its checkpoint");
        ReplicationVerifier.Report report =
            await("every message produced after the recreation")
                .atMost(Duration.ofSeconds(60))
                .until(
                    () -> ReplicationVerifier.verify(target, after, Map.of()),
                    r -> r.missing() == 0);
        assertThat(report.duplicated()).isZero();
        assertThat(report.orderViolations()).isZero();
        // The policy: what the recreated topic lost is not sent again.
        assertThat(ReplicationVerifier.verify(target, before, Map.of()).received()).isZero();
        assertThat(runner.metrics())
            .contains("georep_events_total{kind=\"target-sequence-behind\"");
      }
    }
  }

  /**
   * The link's topics, once there are {@code count} and the last event of each is a {@code kind}.
   */
  private static List<DaemonStatus.TopicStatus> awaitEvent(
      DaemonRunner runner, int count, String kind) {
    return await("a " + kind + " event on " + count + " topic(s)")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> runner.status().links().get(0).topics(),
            ts ->
                ts.size() == count
                    && ts.stream()
                        .allMatch(
                            t -> t.lastEvent() != null && t.lastEvent().startsWith(kind + ": ")));
  }

  /** {@code count} messages {@code prefix-0, ...}, one entry each. */
  private static void sendUnbatched(PulsarClient client, String topic, String prefix, int count)
      throws Exception {
    try (Producer<byte[]> producer =
        client.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create()) {
      for (int i = 0; i < count; i++) {
        producer.newMessage().key(prefix).value((prefix + "-" + i).getBytes()).send();
      }
    }
  }

  private static long backlog(PulsarAdmin admin, String topic, String subscription)
      throws Exception {
    return admin.topics().getStats(topic).getSubscriptions().get(subscription).getMsgBacklog();
  }

  private static long backlog(PulsarAdmin admin) throws Exception {
    return admin
        .topics()
        .getPartitionedStats(TOPIC, false)
        .getSubscriptions()
        .get("georep-gap")
        .getMsgBacklog();
  }

  /** A config with {@code link} between east and west, its state in {@code stateDir} of dir. */
  private GeorepConfig config(String stateDir, String link) throws Exception {
    String yaml =
        GeorepYaml.config(dir.resolve(stateDir), link, clusters.get("east"), clusters.get("west"));
    return ConfigLoader.parse(yaml, "gap-it", Map.of());
  }
}
