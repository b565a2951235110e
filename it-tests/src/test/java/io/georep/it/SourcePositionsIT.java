package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.ConfigLoader;
import io.georep.config.Forwarding;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.TopicState;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Source positions of every shape reach the target once and in order: batches larger than any fixed
 * share of a 63-bit sequence id (1,024, 10,000 and 100,000 messages in one entry) in both
 * forwarding modes to a deduplicating target, across a daemon restart; ledgers that roll over every
 * 50 entries while the daemon streams (no false source gap); a cursor moved back behind the
 * checkpoint, which georep moves forward again without new traffic; and a source rebuilt from
 * scratch (ledger ids below the checkpoint's), whose new messages are not skipped as replays.
 */
class SourcePositionsIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east")
              // A new ledger every 50 entries: many rollovers, each a new sequence anchor.
              .brokerSetting("managedLedgerMaxEntriesPerLedger", "50")
              .brokerSetting("managedLedgerMinLedgerRolloverTimeMinutes", "0")
              .build(),
          PulsarClusterSpec.builder("west").build(),
          // Stands in for east rebuilt from scratch: its ledger ids start again from 0.
          PulsarClusterSpec.builder("rebuilt").build());

  @TempDir Path dir;

  static List<Arguments> cases() {
    return List.of(
        Arguments.of(Forwarding.ENTRIES, 1_024),
        Arguments.of(Forwarding.MESSAGES, 1_024),
        Arguments.of(Forwarding.ENTRIES, 10_000),
        Arguments.of(Forwarding.MESSAGES, 10_000),
        Arguments.of(Forwarding.ENTRIES, 100_000),
        Arguments.of(Forwarding.MESSAGES, 100_000));
  }

  @ParameterizedTest(name = "{0}, batches of {1}")
  @MethodSource("cases")
  void batchesOfAnySizeReplicateOnceInOrder(Forwarding forwarding, int batchSize) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String mode = forwarding.name().toLowerCase(Locale.ROOT);
    String namespace = "big/" + mode + "-" + batchSize;
    String topic = "persistent://" + namespace + "/batches";
    east.createNamespaces(namespace);
    west.createNamespaces(namespace);
    String link = "big-" + mode + "-" + batchSize;
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link(
                link,
                "east",
                "west",
                "{ namespaces: [" + namespace + "] }",
                "forwarding: " + mode,
                "deduplication: enable"),
            east,
            west);
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        Producer<byte[]> producer =
            source
                .newProducer(Schema.BYTES)
                .topic(topic)
                .enableBatching(true)
                .batchingMaxMessages(batchSize)
                .batchingMaxBytes(4 * 1024 * 1024)
                .batchingMaxPublishDelay(1, TimeUnit.HOURS)
                .create()) {
      sendBatch(producer, 0, batchSize);
      sendBatch(producer, batchSize, batchSize);
      List<Message<byte[]>> sent = Topics.readAll(source, topic);
      assertThat(sent)
          .as("each batch is one entry of %d messages on the source", batchSize)
          .hasSize(2 * batchSize)
          .allSatisfy(
              m ->
                  assertThat(((MessageIdAdv) m.getMessageId()).getBatchSize())
                      .isEqualTo(batchSize));

      try (DaemonRunner runner = start(yaml)) {
        awaitInOrder(target, topic, 2 * batchSize);
        assertThat(runner.status().links().get(0).topics())
            .allSatisfy(t -> assertThat(t.state()).isEqualTo(TopicState.RUNNING));
        assertThat(runner.stop()).as("the link drained").isTrue();
      }

      // Restarted over the same state: the next batch and a single message follow, nothing again.
      sendBatch(producer, 2 * batchSize, batchSize);
      producer.send(Integer.toString(3 * batchSize).getBytes(StandardCharsets.UTF_8));
      try (DaemonRunner runner = start(yaml)) {
        awaitInOrder(target, topic, 3 * batchSize + 1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Forwarding.class)
  void ledgerRolloversWhileStreamingAreNoGaps(Forwarding forwarding) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String mode = forwarding.name().toLowerCase(Locale.ROOT);
    String namespace = "rollover/" + mode;
    String topic = "persistent://" + namespace + "/stream";
    retained(east, namespace);
    west.createNamespaces(namespace);
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link(
                "rollover-" + mode,
                "east",
                "west",
                "{ namespaces: [" + namespace + "] }",
                "forwarding: " + mode,
                "deduplication: enable"),
            east,
            west);
    int count = 3_000;
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        Producer<byte[]> producer =
            source.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create();
        DaemonRunner runner = start(yaml)) {
      for (int i = 0; i < count; i++) {
        producer.sendAsync(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        if (i % 100 == 99) {
          producer.flush(); // paced: the daemon checkpoints and checks for gaps as it goes
        }
      }
      producer.flush();
      awaitInOrder(target, topic, count);
      try (PulsarAdmin admin = east.newAdmin()) {
        assertThat(admin.topics().getInternalStats(topic).ledgers.size() + 0L)
            .as("ledgers the source rolled over to")
            .isGreaterThan(10);
      }
      assertThat(runner.status().links().get(0).topics())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.lastEvent()).as("no event (a false source gap)").isNull();
                assertThat(t.state()).isEqualTo(TopicState.RUNNING);
              });
    }
  }

  @org.junit.jupiter.api.Test
  void aCursorMovedBackBehindTheCheckpointIsMovedForwardWithoutNewTraffic() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String namespace = "rollover/rewound";
    String topic = "persistent://" + namespace + "/orders";
    retained(east, namespace);
    west.createNamespaces(namespace);
    String link = "rewound";
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link(link, "east", "west", "{ namespaces: [" + namespace + "] }"),
            east,
            west);
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        PulsarAdmin admin = east.newAdmin();
        // Unbatched: the source counts the backlog in entries.
        Producer<byte[]> producer =
            source.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create()) {
      sendBatch(producer, 0, 500);
      try (DaemonRunner runner = start(yaml)) {
        awaitInOrder(target, topic, 500);
        assertThat(runner.stop()).isTrue();
      }
      // As if the cursor's acknowledgement had been lost in a crash after the checkpoint.
      admin.topics().resetCursor(topic, "georep-" + link, MessageId.earliest);
      assertThat(backlog(admin, topic, link)).isEqualTo(500);

      try (DaemonRunner runner = start(yaml)) {
        org.awaitility.Awaitility.await("georep's backlog on the source, with no new traffic")
            .atMost(Duration.ofSeconds(30))
            .until(() -> backlog(admin, topic, link), b -> b == 0);
        awaitInOrder(target, topic, 500);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aRebuiltSourceIsReportedAndItsNewMessagesReplicated() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    PulsarCluster rebuilt = clusters.get("rebuilt");
    String namespace = "rebuild/orders";
    String topic = "persistent://" + namespace + "/orders";
    for (PulsarCluster c : List.of(east, west, rebuilt)) {
      c.createNamespaces(namespace);
    }
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link(
                "rebuild",
                "east",
                "west",
                "{ namespaces: [" + namespace + "] }",
                "deduplication: enable"),
            east,
            west);
    try (PulsarAdmin eastAdmin = east.newAdmin()) {
      // Ledger ids are per cluster: spend some on east so that its topic's are above rebuilt's.
      for (int i = 0; i < 30; i++) {
        eastAdmin.topics().createNonPartitionedTopic("persistent://" + namespace + "/spend-" + i);
      }
    }
    try (PulsarClient target = west.newClient()) {
      try (PulsarClient source = east.newClient();
          Producer<byte[]> producer = source.newProducer(Schema.BYTES).topic(topic).create()) {
        sendBatch(producer, 0, 100);
        try (DaemonRunner runner = start(yaml)) {
          awaitInOrder(target, topic, 100);
          assertThat(runner.stop()).isTrue();
        }
      }
      try (PulsarClient source = rebuilt.newClient();
          Producer<byte[]> producer = source.newProducer(Schema.BYTES).topic(topic).create();
          PulsarAdmin eastAdmin = east.newAdmin();
          PulsarAdmin rebuiltAdmin = rebuilt.newAdmin()) {
        sendBatch(producer, 100, 50);
        long oldLedger = eastAdmin.topics().getInternalStats(topic).ledgers.get(0).ledgerId;
        long newLedger =
            rebuiltAdmin.topics().getInternalStats(topic).ledgers.stream()
                .mapToLong(l -> l.ledgerId)
                .max()
                .orElseThrow();
        assertThat(newLedger).as("the rebuilt source's ledgers are older").isLessThan(oldLedger);

        // Same cluster name, same state: only the URLs now lead to the rebuilt cluster.
        String rebuiltYaml =
            yaml.replace(east.serviceUrl(), rebuilt.serviceUrl())
                .replace(east.adminUrl(), rebuilt.adminUrl());
        try (DaemonRunner runner = start(rebuiltYaml)) {
          awaitInOrder(target, topic, 150);
          assertThat(runner.status().links().get(0).topics())
              .singleElement()
              .satisfies(t -> assertThat(t.lastEvent()).startsWith("source-rebuilt: "));
        }
      }
    }
  }

  /**
   * The namespace, with its consumed ledgers kept: east rolls a ledger over every 50 entries, and
   * without retention the broker would delete those that no subscription needs (all of them before
   * georep subscribes, and the ones behind its cursor after).
   */
  private static void retained(PulsarCluster cluster, String namespace) throws Exception {
    cluster.createNamespaces(namespace);
    try (PulsarAdmin admin = cluster.newAdmin()) {
      admin
          .namespaces()
          .setRetention(
              namespace, new org.apache.pulsar.common.policies.data.RetentionPolicies(60, 100));
    }
  }

  private static long backlog(PulsarAdmin admin, String topic, String link) throws Exception {
    return admin.topics().getStats(topic).getSubscriptions().get("georep-" + link).getMsgBacklog();
  }

  private static DaemonRunner start(String yaml) throws Exception {
    return DaemonRunner.start(
        ConfigLoader.parse(yaml, "source-positions-it", Map.of()), new HostPort("127.0.0.1", 0));
  }

  /** One batch (one entry) of {@code count} messages whose payloads count on from {@code first}. */
  private static void sendBatch(Producer<byte[]> producer, int first, int count) throws Exception {
    for (int i = first; i < first + count; i++) {
      producer.sendAsync(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
  }

  /**
   * Reads the target from its start until {@code count} messages arrived and nothing more came for
   * two seconds (or two minutes passed), then checks that they are exactly 0..count-1 in order.
   */
  private static void awaitInOrder(PulsarClient target, String topic, int count) throws Exception {
    List<String> arrived = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (Reader<byte[]> reader =
        target.newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest).create()) {
      while (System.nanoTime() < deadline) {
        Message<byte[]> m = reader.readNext(arrived.size() >= count ? 2 : 1, TimeUnit.SECONDS);
        if (m != null) {
          arrived.add(new String(m.getData(), StandardCharsets.UTF_8));
        } else if (arrived.size() >= count) {
          break;
        }
      }
    }
    assertThat(arrived).as("messages on the target").hasSize(count);
    for (int i = 0; i < count; i++) {
      if (!arrived.get(i).equals(Integer.toString(i))) {
        assertThat(arrived.get(i)).as("message %d on the target", i).isEqualTo(Integer.toString(i));
      }
    }
  }
}
