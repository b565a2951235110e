package io.georep.replicator;

import io.georep.config.StartPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.GeorepEntryConsumer;
import org.apache.pulsar.client.impl.GuardedProducer;
import org.apache.pulsar.client.impl.ProducerImpl;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;

/** Connects a {@link PartitionReplicator} to the real source and target clusters. */
final class PulsarPipelineConnector implements PipelineConnector {
  private final PartitionSettings settings;
  private final PartitionResources resources;

  PulsarPipelineConnector(PartitionSettings settings, PartitionResources resources) {
    this.settings = settings;
    this.resources = resources;
  }

  /**
   * Subscribing to a deleted topic would create it again where auto-creation is on. Answered from
   * the link's recent listing of the namespace, not by a listing per (re)start.
   */
  @Override
  public CompletableFuture<Boolean> sourceExists() {
    return resources.sourceListings().exists(settings.sourceTopic());
  }

  @Override
  public CompletableFuture<PersistentTopicInternalStats> sourceStats() {
    return resources.sourceAdmin().topics().getInternalStatsAsync(settings.sourceTopic());
  }

  @Override
  public CompletableFuture<Pipeline<?>> connect(boolean checkpointed) {
    return subscribe(checkpointed)
        .handle(
            (consumer, failure) -> {
              if (failure != null) {
                throw new PipelineStage.Failure(PipelineStage.SUBSCRIBE, unwrap(failure));
              }
              return consumer;
            })
        .thenCompose(
            consumer ->
                createProducers()
                    .handle(
                        (producers, failure) -> {
                          if (failure != null) {
                            consumer.closeAsync(); // the pipeline never starts: nothing to wait for
                            throw new PipelineStage.Failure(
                                PipelineStage.PRODUCER, unwrap(failure));
                          }
                          try {
                            return pipeline(consumer, producers);
                          } catch (IllegalStateException e) {
                            consumer.closeAsync();
                            producers.forEach(Producer::closeAsync);
                            throw new PipelineStage.Failure(PipelineStage.PRODUCER, e);
                          }
                        }));
  }

  /** Unwraps the future wrappers around what actually failed. */
  static Throwable unwrap(Throwable failure) {
    Throwable root = failure;
    while ((root instanceof CompletionException
            || root instanceof java.util.concurrent.ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  private Pipeline<?> pipeline(Consumer<byte[]> consumer, List<Producer<byte[]>> producers) {
    SchemaBridge schemas = SchemaBridge.of(resources.source(), settings.sourceTopic());
    StageTimers stages = resources.metrics().stages();
    if (consumer instanceof GeorepEntryConsumer entries) {
      Producer<byte[]> producer = producers.get(0);
      if (producers.size() != 1 || !(producer instanceof ProducerImpl<byte[]> one)) {
        throw new IllegalStateException(
            "forwarding entries needs a producer on one topic partition, got "
                + producer.getClass().getSimpleName()
                + " for "
                + producer.getTopic()
                + "; set forwarding: messages on this link");
      }
      EntryForwarder forwarder =
          new EntryForwarder(one, settings.sourceCluster(), settings.sourceTopic(), stages);
      return new Pipeline<>(new EntrySource(entries), forwarder, forwarder.messages(), schemas);
    }
    MessageForwarder forwarder =
        new MessageForwarder(
            producers,
            settings.routing(),
            settings.sourceCluster(),
            settings.sourceTopic(),
            stages);
    return new Pipeline<>(
        new MessageSource(consumer, resources.receiveQueues()), forwarder, forwarder, schemas);
  }

  private CompletableFuture<Consumer<byte[]>> subscribe(boolean checkpointed) {
    boolean fromEarliest = !(settings.startAt() instanceof StartPosition.Latest);
    SubscriptionInitialPosition initialPosition =
        fromEarliest ? SubscriptionInitialPosition.Earliest : SubscriptionInitialPosition.Latest;
    if (settings.startAt() instanceof StartPosition.AtTimestamp at && !checkpointed) {
      // Only a new subscription starts at the timestamp: one that exists on the source already
      // (the local state was lost, or the daemon moved host) resumes where its cursor stands.
      return resources
          .sourceAdmin()
          .topics()
          .getSubscriptionsAsync(settings.sourceTopic())
          .thenCompose(
              existing -> {
                boolean fresh = !existing.contains(settings.subscription());
                return subscribe(initialPosition)
                    .thenCompose(
                        c ->
                            fresh
                                ? c.seekAsync(at.at().toEpochMilli()).thenApply(ignored -> c)
                                : CompletableFuture.completedFuture(c));
              });
    }
    return subscribe(initialPosition);
  }

  private CompletableFuture<Consumer<byte[]>> subscribe(SubscriptionInitialPosition position) {
    return settings.forwardEntries()
        ? GeorepEntryConsumer.subscribe(
                resources.source(),
                settings.sourceTopic(),
                settings.subscription(),
                SubscriptionType.Failover,
                position,
                100,
                resources.receiveQueues())
            .thenApply(c -> c) // as a Consumer<byte[]>
        : resources
            .source()
            .newConsumer(Schema.BYTES)
            .topic(settings.sourceTopic())
            .subscriptionName(settings.subscription())
            .subscriptionType(SubscriptionType.Failover)
            .subscriptionInitialPosition(position)
            // One permit until the first message shows how the source batches; ReceiveQueueSizer
            // then sizes the queue to its share of the daemon's budget, at most 1,000 messages.
            .receiverQueueSize(1)
            .acknowledgmentGroupTime(100, TimeUnit.MILLISECONDS)
            .subscribeAsync();
  }

  private CompletableFuture<List<Producer<byte[]>>> createProducers() {
    int count = settings.routing().partitions().length;
    List<CompletableFuture<Producer<byte[]>>> creating = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ProducerConfigurationData conf = new ProducerConfigurationData();
      conf.setTopicName(settings.targetTopicOf(i));
      conf.setProducerName(settings.producerName());
      // An entry goes as it is, a batch already; messages are batched here.
      conf.setBatchingEnabled(!settings.forwardEntries());
      conf.setBatchingMaxPublishDelayMicros(TimeUnit.MILLISECONDS.toMicros(1));
      conf.setBatchingMaxMessages(1000);
      conf.setBlockIfQueueFull(false);
      conf.setMaxPendingMessages(0);
      conf.setSendTimeoutMs(TimeUnit.SECONDS.toMillis(30));
      // Never writes beside a target topic deleted while the link runs (see GuardedProducer).
      creating.add(GuardedProducer.create(resources.target(), conf, resources.targetWatcher()));
    }
    return CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new))
        .handle(
            (ok, err) -> {
              List<Producer<byte[]>> created = new ArrayList<>();
              for (var future : creating) {
                if (future.isDone() && !future.isCompletedExceptionally()) {
                  created.add(future.join());
                }
              }
              if (err != null) {
                // Release the names of those that did connect before failing.
                created.forEach(Producer::closeAsync);
                throw new CompletionException(err);
              }
              return created;
            });
  }
}
