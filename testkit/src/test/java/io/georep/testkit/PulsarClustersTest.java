package io.georep.testkit;

import static io.georep.testkit.TestMessaging.bytes;
import static io.georep.testkit.TestMessaging.client;
import static io.georep.testkit.TestMessaging.consumeOne;
import static io.georep.testkit.TestMessaging.produceWithSubscription;
import static io.georep.testkit.TestMessaging.roundTrip;
import static io.georep.testkit.TestMessaging.subscribe;
import static io.georep.testkit.TestMessaging.text;
import static io.georep.testkit.TestMessaging.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.testkit.TestMessaging.QuickClose;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two clusters started in parallel: one with deduplication and broker entry metadata, one plain.
 */
class PulsarClustersTest {

  @RegisterExtension
  static final PulsarClustersExtension clusters =
      PulsarClustersExtension.of(
          PulsarClusterSpec.builder("east").deduplication(true).brokerEntryMetadata(true).build(),
          PulsarClusterSpec.builder("west").build());

  @Test
  void clustersAreDistinctAndEachServesItsName() throws Exception {
    PulsarCluster east = clusters.get("east");
    PulsarCluster west = clusters.get("west");

    assertThat(clusters.all()).extracting(PulsarCluster::name).containsExactly("east", "west");
    assertThat(east.serviceUrl()).startsWith("pulsar://127.0.0.1:").isNotEqualTo(west.serviceUrl());
    assertThat(east.adminUrl()).startsWith("http://127.0.0.1:").isNotEqualTo(west.adminUrl());
    assertThat(east.dataDir()).isNotEqualTo(west.dataDir());
    assertThat(east.superUserToken()).isEmpty();
    assertThat(east.trustCertsFile()).isEmpty();
    assertThatThrownBy(() -> east.createToken("alice")).isInstanceOf(IllegalStateException.class);
    for (PulsarCluster cluster : clusters.all()) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        assertThat(admin.clusters().getClusters()).containsExactly(cluster.name());
        assertThat(admin.namespaces().getNamespaces("public")).contains("public/default");
      }
    }
  }

  @Test
  void eastExposesBrokerEntryMetadataAndWestDoesNot() throws Exception {
    String topic = topic("metadata");
    try (QuickClose east = client(clusters.get("east"));
        QuickClose west = client(clusters.get("west"))) {
      assertThat(roundTrip(east.client(), topic, "hello east").getIndex()).isPresent();
      assertThat(roundTrip(west.client(), topic, "hello west").getIndex()).isEmpty();
    }
  }

  @Test
  void eastDropsDuplicateSequenceIds() throws Exception {
    String topic = topic("dedup");
    try (QuickClose east = client(clusters.get("east"));
        Consumer<byte[]> consumer = subscribe(east.client(), topic);
        Producer<byte[]> producer =
            east.client().newProducer().topic(topic).producerName("dedup-test").create()) {
      producer.newMessage().sequenceId(7).value(bytes("first")).send();
      producer.newMessage().sequenceId(7).value(bytes("duplicate")).send();
      producer.newMessage().sequenceId(8).value(bytes("second")).send();

      assertThat(text(consumer.receive(10, TimeUnit.SECONDS))).isEqualTo("first");
      assertThat(text(consumer.receive(10, TimeUnit.SECONDS))).isEqualTo("second");
    }
  }

  @Test
  void restartKeepsUrlsAndMessages() throws Exception {
    PulsarCluster west = clusters.get("west");
    String serviceUrl = west.serviceUrl();
    String topic = topic("restart");
    produceWithSubscription(west, topic, "before restart");

    west.restart();

    assertThat(west.serviceUrl()).isEqualTo(serviceUrl);
    assertThat(text(consumeOne(west, topic))).isEqualTo("before restart");
  }

  @Test
  void killThenRestartKeepsMessages() throws Exception {
    PulsarCluster east = clusters.get("east");
    String topic = topic("kill");
    produceWithSubscription(east, topic, "before kill");

    east.kill();
    east.restart();

    Message<byte[]> message = consumeOne(east, topic);
    assertThat(text(message)).isEqualTo("before kill");
    assertThat(message.getIndex()).isPresent();
  }
}
