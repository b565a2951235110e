package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.config.ConfigLoader;
import io.georep.config.Forwarding;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.HostPort;
import io.georep.replicator.Provenance;
import io.georep.state.MappedPosition;
import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every forwarded message keeps payload bytes, key (string or binary), ordering key, event time and
 * properties, and gains provenance that names its source message exactly, whether the link forwards
 * whole entries (batches, compressed, go as stored) or messages.
 */
class FidelityIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  private static final int COUNT = 200;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Forwarding.class)
  void everyFieldArrivesUnchangedWithProvenance(Forwarding forwarding) throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String namespace = "fidelity/" + forwarding.name().toLowerCase(Locale.ROOT);
    String topic = "persistent://" + namespace + "/messages";
    east.createNamespaces(namespace);
    west.createNamespaces(namespace);
    Random random = new Random(11);
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient()) {
      try (Producer<byte[]> batched =
              source
                  .newProducer(Schema.BYTES)
                  .topic(topic)
                  .enableBatching(true)
                  .compressionType(CompressionType.LZ4)
                  .create();
          Producer<byte[]> unbatched =
              source.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create()) {
        for (int i = 0; i < COUNT; i++) {
          // Runs of 50 from each: batches (compressed) and single entries.
          Producer<byte[]> producer = (i / 50) % 2 == 0 ? batched : unbatched;
          byte[] payload = new byte[1 + random.nextInt(2_000)];
          random.nextBytes(payload);
          var message =
              producer
                  .newMessage()
                  .value(payload)
                  .orderingKey(new byte[] {(byte) i, (byte) 0xff})
                  .eventTime(1_700_000_000_000L + i)
                  .property("n", Integer.toString(i))
                  .property("unicode", "Zürich-東京-" + i);
          if (i % 2 == 0) {
            message.key("key-" + i);
          } else {
            message.keyBytes(new byte[] {(byte) 0xc3, (byte) 0x28, (byte) i}); // not UTF-8
          }
          message.sendAsync();
          if (i % 50 == 49) {
            producer.flush();
          }
        }
      }
      List<Message<byte[]>> sent = Topics.readAll(source, topic);
      assertThat(sent).hasSize(COUNT);

      String yaml =
          GeorepYaml.config(
              dir.resolve("state"),
              GeorepYaml.link(
                  "fidelity-" + forwarding.name().toLowerCase(Locale.ROOT),
                  "east",
                  "west",
                  "{ namespaces: [" + namespace + "] }",
                  "forwarding: " + forwarding.name().toLowerCase(Locale.ROOT)),
              east,
              west);
      long lastPublished = sent.stream().mapToLong(Message::getPublishTime).max().orElseThrow();
      long started = System.currentTimeMillis();
      String link = "fidelity-" + forwarding.name().toLowerCase(Locale.ROOT);
      try (DaemonRunner runner =
          DaemonRunner.start(
              ConfigLoader.parse(yaml, "fidelity-it", Map.of()), new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> Topics.readAll(target, topic).size() == COUNT);
        // Each send is timed in its stages: entries as stored, messages one by one.
        long sends =
            forwarding == Forwarding.ENTRIES
                ? sent.stream()
                    .map(m -> (MessageIdAdv) m.getMessageId())
                    .map(id -> id.getLedgerId() + ":" + id.getEntryId())
                    .distinct()
                    .count()
                : COUNT;
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  String metrics = runner.metrics();
                  assertThat((long) stage(metrics, link, "source", "count")).isEqualTo(sends);
                  assertThat((long) stage(metrics, link, "target", "count")).isEqualTo(sends);
                  assertThat((long) stage(metrics, link, "forward", "count"))
                      .isEqualTo(forwarding == Forwarding.ENTRIES ? sends : 0);
                });
        // Published before the daemon started: the source stage holds at least that wait.
        assertThat(stage(runner.metrics(), link, "source", "max") * 1000)
            .isGreaterThanOrEqualTo(started - lastPublished);
      }
      List<Message<byte[]>> received = Topics.readAll(target, topic);
      assertThat(sent.stream().filter(m -> ((MessageIdAdv) m.getMessageId()).getBatchIndex() >= 0))
          .as("both batched and single entries are forwarded")
          .hasSizeBetween(1, COUNT - 1);
      for (int i = 0; i < COUNT; i++) {
        Message<byte[]> in = sent.get(i);
        Message<byte[]> out = received.get(i);
        assertThat(out.getData()).as("payload #%d", i).isEqualTo(in.getData());
        assertThat(out.hasBase64EncodedKey()).isEqualTo(in.hasBase64EncodedKey());
        assertThat(out.getKeyBytes()).as("key #%d", i).isEqualTo(in.getKeyBytes());
        assertThat(out.getOrderingKey()).isEqualTo(in.getOrderingKey());
        assertThat(out.getEventTime()).isEqualTo(in.getEventTime());
        assertThat(out.getProperties()).containsAllEntriesOf(in.getProperties());
        MessageIdAdv id = (MessageIdAdv) in.getMessageId();
        assertThat(Provenance.of(out))
            .contains(
                new Provenance(
                    "east",
                    id.getLedgerId(),
                    id.getEntryId(),
                    id.getBatchIndex(),
                    in.getPublishTime(),
                    topic));
        assertThat(Provenance.originOf(out)).isEqualTo("east");
        if (forwarding == Forwarding.ENTRIES && id.getBatchIndex() >= 0) {
          // A batch went as stored: its messages' properties are untouched; provenance is the
          // batch's.
          assertThat(out.getProperties()).isEqualTo(in.getProperties());
          assertThat(((MessageIdAdv) out.getMessageId()).getBatchIndex())
              .isEqualTo(id.getBatchIndex());
        } else {
          // one property added: the first hop writes no separate origin
          assertThat(out.getProperties()).hasSize(in.getProperties().size() + 1);
        }
      }
    }
  }

  @Test
  void thePositionMapNamesWhereEachMessageWentAndForgetsLedgersTheSourceDropped() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    String topic = "persistent://fidelity/map/orders";
    east.createNamespaces("fidelity/map");
    west.createNamespaces("fidelity/map");
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        admin.topics().createPartitionedTopic(topic, 2);
      }
    }
    String yaml =
        GeorepYaml.config(
            dir.resolve("state"),
            GeorepYaml.link("map", "east", "west", "{ namespaces: [fidelity/map] }"),
            east,
            west);
    var config = ConfigLoader.parse(yaml, "position-map-it", Map.of());
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient();
        PulsarAdmin eastAdmin = east.newAdmin()) {
      // The source keeps consumed ledgers (retention) until the test lets them go.
      eastAdmin.namespaces().setRetention("fidelity/map", new RetentionPolicies(-1, 100));
      produceKeyed(source, topic, "first", 400);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitCount(target, topic, 400);
      }
      // A new ledger on each partition for the next messages, so that the first ones can go.
      eastAdmin.topics().unload(topic);
      produceKeyed(source, topic, "second", 400);
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        awaitCount(target, topic, 800);
      }
      try (StateStore store = StateStore.open(dir.resolve("state"))) {
        assertThat(checkMappings(store.positionMap(), target, topic, "")).isEqualTo(800);
        assertThat(store.positionMap().stats("map").messages()).isEqualTo(800);
      }

      eastAdmin.namespaces().setRetention("fidelity/map", new RetentionPolicies(0, 0));
      for (int p = 0; p < 2; p++) {
        String partition = topic + "-partition-" + p;
        // The policy reaches the broker asynchronously, and a trim runs in the background:
        // trim until only the current ledger is left.
        await("the first ledger of " + partition + " trimmed")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  eastAdmin.topics().trimTopic(partition);
                  return eastAdmin.topics().getInternalStats(partition).ledgers.size() == 1;
                });
      }
      try (DaemonRunner runner = DaemonRunner.start(config, new HostPort("127.0.0.1", 0))) {
        await("the replicators pruned the runs of the trimmed ledgers")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    prunedRuns(runner.metrics(), topic + "-partition-0") > 0
                        && prunedRuns(runner.metrics(), topic + "-partition-1") > 0);
      }
      try (StateStore store = StateStore.open(dir.resolve("state"))) {
        // What the source dropped is gone from the map; the rest still maps exactly.
        assertThat(checkMappings(store.positionMap(), target, topic, "first")).isEqualTo(400);
        assertThat(store.positionMap().stats("map").messages()).isEqualTo(400);
      }
    }
  }

  /**
   * Asserts that every message on the target maps back exactly: the map names, for the source
   * position in its provenance, the target partition and position where it is. Messages whose
   * payload starts with {@code pruned} (unless empty) must have no mapping. Returns how many mapped
   * exactly.
   */
  private static int checkMappings(
      PositionMap map, PulsarClient target, String topic, String pruned) throws Exception {
    int exact = 0;
    for (int p = 0; p < 2; p++) {
      for (Message<byte[]> out : Topics.readAll(target, topic + "-partition-" + p)) {
        Provenance source = Provenance.of(out).orElseThrow();
        Position sourcePosition = source.sourcePosition();
        SourcePartition partition = new SourcePartition("map", source.sourceTopic());
        Optional<MappedPosition> mapped = map.lookup(partition, sourcePosition);
        if (!pruned.isEmpty() && new String(out.getData()).startsWith(pruned)) {
          assertThat(mapped).as("pruned %s", sourcePosition).isEmpty();
          continue;
        }
        MessageIdAdv targetId = (MessageIdAdv) out.getMessageId();
        assertThat(mapped)
            .as("mapping of %s", sourcePosition)
            .contains(
                new MappedPosition(
                    sourcePosition,
                    p,
                    new Position(
                        targetId.getLedgerId(), targetId.getEntryId(), targetId.getBatchIndex())));
        exact++;
      }
    }
    return exact;
  }

  /** A statistic ({@code count}, {@code sum}, {@code max}) of a link's stage timer. */
  private static double stage(String metrics, String link, String stage, String statistic) {
    return metrics
        .lines()
        .filter(
            l ->
                l.startsWith("georep_stage_seconds_" + statistic + "{")
                    && l.contains("link=\"" + link + "\"")
                    && l.contains("stage=\"" + stage + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long prunedRuns(String metrics, String partition) {
    return metrics
        .lines()
        .filter(
            l ->
                l.startsWith("georep_position_map_pruned_total{")
                    && l.contains("link=\"map\"")
                    && l.contains("topic=\"" + partition + "\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void produceKeyed(PulsarClient client, String topic, String prefix, int count)
      throws Exception {
    try (Producer<byte[]> producer =
        client.newProducer(Schema.BYTES).topic(topic).enableBatching(true).create()) {
      for (int i = 0; i < count; i++) {
        producer.newMessage().key("k" + (i % 10)).value((prefix + "-" + i).getBytes()).sendAsync();
      }
      producer.flush();
    }
  }

  private static void awaitCount(PulsarClient client, String topic, int count) {
    await(topic + " holds " + count)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> Topics.readAll(client, topic).size() == count);
  }
}
