package io.georep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * The floor for any client-side replicator, run by the benchmark in a JVM of its own: for each
 * source partition a consumer (durable, from the earliest message) and a thread that hands every
 * message to a producer on the same target partition and acknowledges it on the source once the
 * target has it. No state, no provenance, no filtering: payload, key, properties and event time go
 * over as they are. Producers batch like georep's (1 ms, 1,000 messages); at most 1,000 messages
 * per partition wait for the target.
 *
 * <p>Usage: {@code Pipe <source service URL> <target service URL> <subscription> <topic>...}; runs
 * until SIGTERM.
 */
public final class Pipe {
  private Pipe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: Pipe <source url> <target url> <subscription> <topic>...");
      System.exit(2);
    }
    PulsarClient source = PulsarClient.builder().serviceUrl(args[0]).build();
    PulsarClient target = PulsarClient.builder().serviceUrl(args[1]).build();
    String subscription = args[2];
    List<Lane> lanes = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      for (String partition : source.getPartitionsForTopic(args[i]).get(30, TimeUnit.SECONDS)) {
        lanes.add(new Lane(source, target, partition, subscription));
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  lanes.forEach(Lane::stop);
                  source.closeAsync();
                  target.closeAsync();
                  stopped.countDown();
                }));
    lanes.forEach(Lane::start);
    System.out.println("pipe: " + lanes.size() + " partitions");
    stopped.await();
  }

  /** One source partition to the same target partition. */
  private static final class Lane implements Runnable {
    private final Consumer<byte[]> consumer;
    private final Producer<byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;

    Lane(PulsarClient source, PulsarClient target, String topic, String subscription)
        throws PulsarClientException {
      consumer =
          source
              .newConsumer(Schema.BYTES)
              .topic(topic)
              .subscriptionName(subscription)
              .subscriptionType(SubscriptionType.Exclusive)
              .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
              .receiverQueueSize(1000)
              .subscribe();
      producer =
          target
              .newProducer(Schema.BYTES)
              .topic(topic)
              .enableBatching(true)
              .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
              .batchingMaxMessages(1000)
              .blockIfQueueFull(true)
              .maxPendingMessages(1000)
              .create();
      thread = new Thread(this, "pipe-" + topic);
    }

    void start() {
      thread.start();
    }

    @Override
    public void run() {
      try {
        while (running) {
          Message<byte[]> message = consumer.receive(100, TimeUnit.MILLISECONDS);
          if (message == null) {
            continue;
          }
          TypedMessageBuilder<byte[]> out = producer.newMessage().value(message.getData());
          if (message.hasKey()) {
            out.key(message.getKey());
          }
          if (!message.getProperties().isEmpty()) {
            out.properties(message.getProperties());
          }
          if (message.getEventTime() > 0) {
            out.eventTime(message.getEventTime());
          }
          out.sendAsync()
              .whenComplete(
                  (id, err) -> {
                    if (err != null) {
                      System.err.println("pipe: send failed, exiting: " + err);
                      Runtime.getRuntime().halt(3);
                    }
                    consumer.acknowledgeCumulativeAsync(message.getMessageId());
                  });
        }
      } catch (PulsarClientException e) {
        if (running) {
          System.err.println("pipe: receive failed, exiting: " + e);
          Runtime.getRuntime().halt(3);
        }
      }
    }

    void stop() {
      running = false;
      try {
        thread.join(5000);
        producer.flush();
      } catch (InterruptedException | PulsarClientException e) {
        // exiting anyway
      }
    }
  }
}
