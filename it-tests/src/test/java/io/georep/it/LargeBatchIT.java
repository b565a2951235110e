package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.cli.DaemonRunner;
import io.georep.cli.HostPort;
import io.georep.config.ConfigLoader;
import io.georep.config.Forwarding;
import io.georep.replicator.TopicState;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Source batches larger than any fixed share of a 63-bit sequence id (1,024, 10,000 and 100,000
 * messages in one entry) replicate in both forwarding modes to a deduplicating target, across a
 * daemon restart: every message once, in order, and replication goes on after them.
 */
class LargeBatchIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

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

  private static DaemonRunner start(String yaml) throws Exception {
    return DaemonRunner.start(
        ConfigLoader.parse(yaml, "large-batch-it", Map.of()), new HostPort("127.0.0.1", 0));
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
