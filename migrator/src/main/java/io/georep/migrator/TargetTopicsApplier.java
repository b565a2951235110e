package io.georep.migrator;

import io.georep.migrator.SyncOperation.CreateTopic;
import io.georep.migrator.SyncOperation.GrowPartitions;
import io.georep.migrator.SyncOperation.Impossible;
import io.georep.migrator.SyncOperation.SetNamespacePolicy;
import io.georep.replicator.TargetTopics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * A link's target topics and deduplication, made through the {@link SyncOperationRunner} that
 * applies metadata sync's plans: this class only reads the target and decides which operation (see
 * {@link #operationFor}). One per target cluster's admin client, shared by the links writing to
 * that cluster.
 *
 * <p>It looks before it creates: at every start of the daemon each link asks for every one of its
 * topics, and the admin client logs each create the broker refuses as an error.
 */
public final class TargetTopicsApplier implements TargetTopics {
  private final PulsarAdmin admin;
  private final SyncOperationRunner operations;
  // Namespaces whose deduplication is on (or being switched on): once per namespace while this
  // lives, not once per topic; a failure is forgotten, so the next topic tries again.
  private final Map<String, CompletableFuture<Void>> deduplicated = new ConcurrentHashMap<>();

  public TargetTopicsApplier(PulsarAdmin admin) {
    this.admin = admin;
    this.operations = new SyncOperationRunner(admin);
  }

  @Override
  public CompletionStage<Integer> create(String topic, int partitions) {
    String namespace = TopicNames.namespaceOf(topic);
    var topics = admin.topics();
    return topics
        .getPartitionedTopicListAsync(namespace)
        .thenCompose(
            partitioned ->
                partitioned.contains(topic)
                    ? partitions(topic)
                        .thenApply(current -> operationFor(topic, partitions, current, List.of()))
                    : topics
                        .getListAsync(namespace)
                        .thenApply(all -> operationFor(topic, partitions, 0, all)))
        .thenCompose(
            operation -> {
              if (operation.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              if (operation.get() instanceof Impossible impossible) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException(impossible.reason()));
              }
              return operations.run(operation.get());
            })
        .thenCompose(done -> partitions(topic));
  }

  @Override
  public CompletableFuture<Integer> partitions(String topic) {
    return admin.topics().getPartitionedTopicMetadataAsync(topic).thenApply(m -> m.partitions);
  }

  @Override
  public CompletionStage<Void> enableDeduplication(String namespace) {
    return deduplicated.computeIfAbsent(
        namespace,
        ns ->
            operations
                .run(
                    new SetNamespacePolicy(
                        ns,
                        NamespacePolicy.DEDUPLICATION.policyName(),
                        new PolicyValue("true", Boolean.TRUE)))
                .<Void>thenApply(skipped -> null)
                .whenComplete(
                    (ok, error) -> {
                      if (error != null) {
                        deduplicated.remove(ns);
                      }
                    }));
  }

  /**
   * What makes {@code topic} have at least {@code wanted} partitions (0: non-partitioned), if
   * anything: {@link Impossible} where its name is taken (see {@link SyncOperationRunner#refusal}).
   *
   * @param current the partition count of the partitioned topic of that name, 0 if there is none
   * @param namespaceTopics the non-partitioned topics of its namespace (partitions included); read
   *     only when {@code current} is 0
   */
  static Optional<SyncOperation> operationFor(
      String topic, int wanted, int current, List<String> namespaceTopics) {
    if (current > 0) {
      // A partitioned target takes a non-partitioned source too (routed by key).
      return wanted > current ? Optional.of(new GrowPartitions(topic, wanted)) : Optional.empty();
    }
    if (wanted == 0) {
      return namespaceTopics.contains(topic)
          ? Optional.empty()
          : Optional.of(new CreateTopic(topic, 0));
    }
    return Optional.of(
        SyncOperationRunner.refusal(topic, wanted, namespaceTopics)
            .<SyncOperation>map(Impossible::new)
            .orElse(new CreateTopic(topic, wanted)));
  }
}
