package io.georep.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/** Produce and consume helpers for the tests; topics are unique per call of {@link #topic}. */
final class TestMessaging {
  private TestMessaging() {}

  static String topic(String what) {
    return "persistent://public/default/" + what + "-" + UUID.randomUUID();
  }

  /** Sends {@code text} and receives it back on a fresh subscription; returns the message. */
  static Message<byte[]> roundTrip(PulsarClient client, String topic, String text)
      throws PulsarClientException {
    try (Consumer<byte[]> consumer = subscribe(client, topic);
        Producer<byte[]> producer = client.newProducer().topic(topic).create()) {
      producer.send(bytes(text));
      Message<byte[]> message = consumer.receive(10, TimeUnit.SECONDS);
      assertThat(text(message)).isEqualTo(text);
      return message;
    }
  }

  /**
   * A client of {@code cluster} whose close does not wait: {@link PulsarClient#close()} waits two
   * seconds for its event loops to go quiet, which adds up over a test class.
   */
  static QuickClose client(PulsarCluster cluster) {
    return new QuickClose(cluster.newClient());
  }

  /** Closes the client in the background. */
  record QuickClose(PulsarClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.closeAsync();
    }
  }

  /** Creates the subscription first, so that the message is retained for it. */
  static void produceWithSubscription(PulsarCluster cluster, String topic, String text)
      throws PulsarClientException {
    try (QuickClose c = client(cluster)) {
      subscribe(c.client(), topic).close();
      try (Producer<byte[]> producer = c.client().newProducer().topic(topic).create()) {
        producer.send(bytes(text));
      }
    }
  }

  static Message<byte[]> consumeOne(PulsarCluster cluster, String topic)
      throws PulsarClientException {
    try (QuickClose c = client(cluster);
        Consumer<byte[]> consumer = subscribe(c.client(), topic)) {
      Message<byte[]> message = consumer.receive(30, TimeUnit.SECONDS);
      assertThat(message).as("message on %s", topic).isNotNull();
      consumer.acknowledge(message);
      return message;
    }
  }

  static Consumer<byte[]> subscribe(PulsarClient client, String topic)
      throws PulsarClientException {
    return client
        .newConsumer()
        .topic(topic)
        .subscriptionName("test")
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
        .subscribe();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(Message<byte[]> message) {
    assertThat(message).as("received message").isNotNull();
    return new String(message.getData(), StandardCharsets.UTF_8);
  }
}
