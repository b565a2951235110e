package org.apache.pulsar.client.impl;

import io.georep.replicator.AsyncFailures;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;
import org.apache.pulsar.common.naming.TopicName;

/**
 * A producer that connects only while its topic exists in the shape it was made for: a partition of
 * a partitioned topic that still has that partition, or a non-partitioned topic that exists and is
 * still not partitioned.
 *
 * <p>Why: when a partitioned topic is deleted on the target, the broker closes its producers and
 * the client reconnects at once; a broker allowing automatic topic creation then creates {@code
 * t-partition-N} as a topic of its own. Every message sent after that lands where no consumer of
 * {@code t} reads, and the orphan even keeps {@code t} from being created again ("This topic
 * already exists"). So before each connection, the first and every reconnection, this producer
 * looks its topic up (the binary protocol's partitioned-metadata lookup, with automatic creation
 * off) and, when the topic is not there, does not register with the broker: its pending messages
 * stay pending, its {@link Watcher} hears why, and the client tries again with its reconnection
 * backoff (at most the client's {@code maxBackoffInterval}) until the topic is back.
 *
 * <p>While the producer is being created, a missing topic fails the creation at once (there is
 * nothing pending to keep); after that, it keeps the producer waiting. It lives in the client's
 * package next to {@link GeorepEntryConsumer}: it builds on {@link ProducerImpl}'s connection
 * handling.
 */
public final class GuardedProducer extends ProducerImpl<byte[]> {

  /** Hears when the producer's topic is found missing, and when it is there again. */
  public interface Watcher {
    /** The topic is not there as the producer needs it; the producer waits unconnected. */
    void missing(String topic, String reason);

    /** The topic is there again after {@link #missing}: the producer is connecting. */
    void present(String topic);
  }

  /**
   * Carries the watcher into the producer's first connection, which {@link ProducerImpl}'s
   * constructor starts before a subclass's own fields are set.
   */
  private static final class GuardedConfiguration extends ProducerConfigurationData {
    private static final long serialVersionUID = 1L;
    private final transient Watcher watcher;

    GuardedConfiguration(ProducerConfigurationData conf, Watcher watcher) {
      this.watcher = watcher;
      setTopicName(conf.getTopicName());
      setProducerName(conf.getProducerName());
      setBatchingEnabled(conf.isBatchingEnabled());
      setBatchingMaxPublishDelayMicros(conf.getBatchingMaxPublishDelayMicros());
      setBatchingMaxMessages(conf.getBatchingMaxMessages());
      setBlockIfQueueFull(conf.isBlockIfQueueFull());
      setMaxPendingMessages(conf.getMaxPendingMessages());
      setSendTimeoutMs(conf.getSendTimeoutMs());
    }
  }

  private volatile boolean refused;

  /**
   * Creates a producer of bytes on {@code conf}'s topic with {@code conf}'s name, batching, pending
   * limit and send timeout (the settings georep sets; others take the client's defaults).
   */
  public static CompletableFuture<Producer<byte[]>> create(
      PulsarClient client, ProducerConfigurationData conf, Watcher watcher) {
    CompletableFuture<Producer<byte[]>> created = new CompletableFuture<>();
    new GuardedProducer(
        (PulsarClientImpl) client, new GuardedConfiguration(conf, watcher), created);
    return created;
  }

  private GuardedProducer(
      PulsarClientImpl client,
      GuardedConfiguration conf,
      CompletableFuture<Producer<byte[]>> created) {
    // Partition index -1, as the client gives a producer on one topic or partition by name.
    super(client, conf.getTopicName(), conf, created, -1, Schema.BYTES, null, Optional.empty());
  }

  @Override
  public CompletableFuture<Void> connectionOpened(ClientCnx cnx) {
    Watcher watcher = ((GuardedConfiguration) conf).watcher;
    return problemWith(client, topic)
        .thenCompose(
            problem -> {
              if (problem == null) {
                if (refused) {
                  refused = false;
                  watcher.present(topic);
                }
                return super.connectionOpened(cnx);
              }
              refused = true;
              watcher.missing(topic, problem);
              // Not retried while creating (nothing is pending); retried once created.
              PulsarClientException refusal =
                  producerCreatedFuture.isDone()
                      ? new PulsarClientException(problem)
                      : new PulsarClientException.TopicDoesNotExistException(problem);
              return CompletableFuture.failedFuture(refusal);
            });
  }

  /**
   * Null when {@code topic} is there as a producer on it needs, else what is wrong. A failed lookup
   * fails the future: it is retried like any failed connection.
   */
  static CompletableFuture<String> problemWith(PulsarClientImpl client, String topic) {
    TopicName name = TopicName.get(topic);
    String asked = name.isPartitioned() ? name.getPartitionedTopicName() : topic;
    return client
        .getPartitionedTopicMetadata(asked, false, true)
        .handle(
            (metadata, failure) -> {
              if (failure != null) {
                Throwable cause = AsyncFailures.unwrap(failure);
                if (cause instanceof PulsarClientException.TopicDoesNotExistException) {
                  return name.isPartitioned()
                      ? asked
                          + " does not exist (deleted on the target cluster?): georep does not"
                          + " write to "
                          + topic
                          + " without it, where a broker would create a topic of its own that"
                          + " no consumer of "
                          + asked
                          + " reads"
                      : topic + " does not exist (deleted on the target cluster?)";
                }
                throw new CompletionException(cause);
              }
              if (name.isPartitioned() && metadata.partitions <= name.getPartitionIndex()) {
                return metadata.partitions == 0
                    ? asked + " is no longer a partitioned topic: georep does not write " + topic
                    : asked
                        + " has "
                        + metadata.partitions
                        + " partitions now, none of them "
                        + topic;
              }
              if (!name.isPartitioned() && metadata.partitions > 0) {
                return topic
                    + " is a partitioned topic now ("
                    + metadata.partitions
                    + " partitions): georep does not write to its name";
              }
              return null;
            });
  }
}
