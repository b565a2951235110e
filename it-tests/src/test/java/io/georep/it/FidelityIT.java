package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.georep.cli.DaemonRunner;
import io.georep.cli.HostPort;
import io.georep.config.ConfigLoader;
import io.georep.replicator.Provenance;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClustersExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every forwarded message keeps payload bytes, key (string or binary), ordering key, event time and
 * properties, and gains provenance that names its source message exactly.
 */
class FidelityIT {
  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());

  private static final String TOPIC = "persistent://fidelity/all/messages";
  private static final int COUNT = 200;

  @TempDir Path dir;

  @Test
  void everyFieldArrivesUnchangedWithProvenance() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");
    east.createNamespaces("fidelity/all");
    west.createNamespaces("fidelity/all");
    Random random = new Random(11);
    try (PulsarClient source = east.newClient();
        PulsarClient target = west.newClient()) {
      try (Producer<byte[]> producer =
          source.newProducer(Schema.BYTES).topic(TOPIC).enableBatching(true).create()) {
        for (int i = 0; i < COUNT; i++) {
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
        }
        producer.flush();
      }
      List<Message<byte[]>> sent = Topics.readAll(source, TOPIC);
      assertThat(sent).hasSize(COUNT);

      String yaml =
          GeorepYaml.config(
              dir.resolve("state"),
              GeorepYaml.link("fidelity", "east", "west", "{ namespaces: [fidelity/all] }"),
              east,
              west);
      try (DaemonRunner runner =
          DaemonRunner.start(
              ConfigLoader.parse(yaml, "fidelity-it", Map.of()), new HostPort("127.0.0.1", 0))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> Topics.readAll(target, TOPIC).size() == COUNT);
      }
      List<Message<byte[]>> received = Topics.readAll(target, TOPIC);
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
        assertThat(out.getProperties())
            .containsEntry(Provenance.ORIGIN_CLUSTER, "east")
            .containsEntry(Provenance.SOURCE_CLUSTER, "east")
            .containsEntry(Provenance.SOURCE_TOPIC, TOPIC)
            .containsEntry(
                Provenance.SOURCE_MESSAGE_ID,
                id.getLedgerId() + ":" + id.getEntryId() + ":" + id.getBatchIndex())
            .containsEntry(Provenance.SOURCE_PUBLISH_TIME, Long.toString(in.getPublishTime()));
        assertThat(out.getProperties()).hasSize(in.getProperties().size() + 5);
      }
    }
  }
}
