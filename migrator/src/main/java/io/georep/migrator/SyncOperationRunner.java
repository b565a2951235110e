package io.georep.migrator;

import io.georep.migrator.SyncOperation.AddSchemas;
import io.georep.migrator.SyncOperation.CreateNamespace;
import io.georep.migrator.SyncOperation.CreateSubscription;
import io.georep.migrator.SyncOperation.CreateTenant;
import io.georep.migrator.SyncOperation.CreateTopic;
import io.georep.migrator.SyncOperation.DeleteSubscription;
import io.georep.migrator.SyncOperation.DeleteTopic;
import io.georep.migrator.SyncOperation.GrantOnNamespace;
import io.georep.migrator.SyncOperation.GrantOnSubscription;
import io.georep.migrator.SyncOperation.GrantOnTopic;
import io.georep.migrator.SyncOperation.GrowPartitions;
import io.georep.migrator.SyncOperation.Impossible;
import io.georep.migrator.SyncOperation.RemoveNamespacePolicy;
import io.georep.migrator.SyncOperation.RemoveTopicPolicy;
import io.georep.migrator.SyncOperation.ReplaceSchemas;
import io.georep.migrator.SyncOperation.RevokeOnNamespace;
import io.georep.migrator.SyncOperation.RevokeOnSubscription;
import io.georep.migrator.SyncOperation.RevokeOnTopic;
import io.georep.migrator.SyncOperation.SetNamespacePolicy;
import io.georep.migrator.SyncOperation.SetTopicPolicy;
import io.georep.migrator.SyncOperation.UpdateTenant;
import io.georep.replicator.AsyncFailures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * Carries out one {@link SyncOperation} on a cluster through its admin API: the one code path that
 * changes a target's metadata, for a metadata sync's plan ({@link MetadataApplier}) and for a
 * link's target topics ({@link TargetTopicsApplier}). Every operation is idempotent: an object that
 * already exists counts as created, so a second run after a partial one finishes the job.
 */
final class SyncOperationRunner {
  private final PulsarAdmin admin;

  SyncOperationRunner(PulsarAdmin admin) {
    this.admin = admin;
  }

  /**
   * Runs one operation; answers null when done, or why it was skipped. Fails with the admin
   * client's exception, or an {@link IllegalStateException} naming what stands in the way.
   */
  CompletableFuture<String> run(SyncOperation operation) {
    if (operation instanceof Impossible impossible) {
      return CompletableFuture.completedFuture(impossible.reason());
    }
    if (operation instanceof CreateTenant create) {
      return done(
          ignoreConflict(
              admin
                  .tenants()
                  .createTenantAsync(
                      create.tenant(), tenantInfo(create.adminRoles(), create.allowedClusters()))));
    }
    if (operation instanceof UpdateTenant update) {
      return done(
          admin
              .tenants()
              .updateTenantAsync(
                  update.tenant(), tenantInfo(update.adminRoles(), update.allowedClusters())));
    }
    if (operation instanceof CreateNamespace create) {
      return done(ignoreConflict(admin.namespaces().createNamespaceAsync(create.namespace())));
    }
    if (operation instanceof SetNamespacePolicy set) {
      return done(
          NamespacePolicy.named(set.policy())
              .set(admin.namespaces(), set.namespace(), set.value().value()));
    }
    if (operation instanceof RemoveNamespacePolicy remove) {
      return done(
          NamespacePolicy.named(remove.policy()).remove(admin.namespaces(), remove.namespace()));
    }
    if (operation instanceof GrantOnNamespace grant) {
      return done(
          admin
              .namespaces()
              .grantPermissionOnNamespaceAsync(
                  grant.namespace(), grant.role(), actions(grant.actions())));
    }
    if (operation instanceof RevokeOnNamespace revoke) {
      return done(
          admin.namespaces().revokePermissionsOnNamespaceAsync(revoke.namespace(), revoke.role()));
    }
    if (operation instanceof GrantOnSubscription grant) {
      CompletableFuture<Void> granted =
          admin
              .namespaces()
              .grantPermissionOnSubscriptionAsync(
                  grant.namespace(), grant.subscription(), grant.roles());
      return done(
          granted.thenCompose(
              v -> revokeOnSubscription(grant.namespace(), grant.subscription(), grant.revoke())));
    }
    if (operation instanceof RevokeOnSubscription revoke) {
      return done(revokeOnSubscription(revoke.namespace(), revoke.subscription(), revoke.roles()));
    }
    if (operation instanceof CreateTopic create) {
      return done(createTopic(create));
    }
    if (operation instanceof GrowPartitions grow) {
      return growPartitions(grow);
    }
    if (operation instanceof SetTopicPolicy set) {
      return done(
          TopicPolicy.named(set.policy())
              .set(admin.topicPolicies(), set.topic(), set.value().value()));
    }
    if (operation instanceof RemoveTopicPolicy remove) {
      return done(TopicPolicy.named(remove.policy()).remove(admin.topicPolicies(), remove.topic()));
    }
    if (operation instanceof GrantOnTopic grant) {
      return done(
          admin
              .topics()
              .grantPermissionAsync(grant.topic(), grant.role(), actions(grant.actions())));
    }
    if (operation instanceof RevokeOnTopic revoke) {
      return done(admin.topics().revokePermissionsAsync(revoke.topic(), revoke.role()));
    }
    if (operation instanceof CreateSubscription create) {
      return done(
          ignoreConflict(
              admin
                  .topics()
                  .createSubscriptionAsync(
                      create.topic(), create.subscription(), MessageId.earliest)));
    }
    if (operation instanceof DeleteSubscription delete) {
      return done(admin.topics().deleteSubscriptionAsync(delete.topic(), delete.subscription()));
    }
    if (operation instanceof AddSchemas add) {
      return done(addSchemas(add.topic(), add.versions()));
    }
    if (operation instanceof ReplaceSchemas replace) {
      return done(
          admin
              .schemas()
              .deleteSchemaAsync(replace.topic())
              .thenCompose(v -> addSchemas(replace.topic(), replace.versions())));
    }
    if (operation instanceof DeleteTopic delete) {
      return deleteTopic(delete);
    }
    throw new IllegalStateException("no handler for " + operation);
  }

  /**
   * Creates the topic; a conflict means it exists, unless the name of a partitioned topic is taken
   * by topics that stand in its way (see {@link #refusal}), which the broker reports as a conflict
   * too: then it fails, naming them.
   */
  private CompletableFuture<Void> createTopic(CreateTopic create) {
    String topic = create.topic();
    var topics = admin.topics();
    if (create.partitions() == 0) {
      return ignoreConflict(topics.createNonPartitionedTopicAsync(topic));
    }
    return topics
        .createPartitionedTopicAsync(topic, create.partitions())
        .exceptionallyCompose(
            error ->
                AsyncFailures.unwrap(error) instanceof PulsarAdminException.ConflictException
                    ? afterConflict(create)
                    : CompletableFuture.failedFuture(AsyncFailures.unwrap(error)));
  }

  /**
   * Done when the partitioned topic exists (created meanwhile, or by an earlier run); else a
   * failure naming what holds its name.
   */
  private CompletableFuture<Void> afterConflict(CreateTopic create) {
    String namespace = TopicNames.namespaceOf(create.topic());
    var topics = admin.topics();
    return topics
        .getPartitionedTopicListAsync(namespace)
        .thenCompose(
            partitioned ->
                partitioned.contains(create.topic())
                    ? CompletableFuture.completedFuture(List.<String>of())
                    : topics.getListAsync(namespace))
        .thenCompose(
            namespaceTopics ->
                refusal(create.topic(), create.partitions(), namespaceTopics)
                    .<CompletableFuture<Void>>map(
                        reason -> CompletableFuture.failedFuture(new IllegalStateException(reason)))
                    .orElse(CompletableFuture.completedFuture(null)));
  }

  /**
   * Why a partitioned {@code topic} cannot be created beside the namespace's other
   * (non-partitioned) topics {@code namespaceTopics}, if it cannot: a non-partitioned topic of that
   * name (e.g. auto-created by a client), or topics named like its partitions that exist on their
   * own (a producer wrote to a partition while the partitioned topic did not exist, e.g. after it
   * was deleted, and the broker created it). The broker refuses to create the partitioned topic
   * over them, and what they hold is for an operator to look at, not for georep to delete.
   */
  static Optional<String> refusal(String topic, int partitions, List<String> namespaceTopics) {
    List<String> orphans =
        namespaceTopics.stream()
            .filter(t -> t.startsWith(topic + TopicName.PARTITIONED_TOPIC_SUFFIX))
            .sorted()
            .toList();
    if (!orphans.isEmpty()) {
      return Optional.of(
          topic
              + " does not exist on the target, but "
              + String.join(", ", orphans)
              + " exist as topics of their own (a producer wrote to them while "
              + topic
              + " did not exist); the broker refuses to create "
              + topic
              + " over them: look at what they hold, delete them, and georep creates "
              + topic
              + " with "
              + partitions
              + " partitions");
    }
    if (namespaceTopics.contains(topic)) {
      return Optional.of(
          topic
              + " exists on the target as a non-partitioned topic but the source topic has "
              + partitions
              + " partitions; delete it or recreate it with "
              + partitions
              + " partitions");
    }
    return Optional.empty();
  }

  private CompletableFuture<Void> revokeOnSubscription(
      String namespace, String subscription, Set<String> roles) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (String role : new TreeSet<>(roles)) {
      chain =
          chain.thenCompose(
              v ->
                  admin
                      .namespaces()
                      .revokePermissionOnSubscriptionAsync(namespace, subscription, role));
    }
    return chain;
  }

  private CompletableFuture<String> growPartitions(GrowPartitions grow) {
    // Read again: another run (or the replicator) may have grown it meanwhile.
    return admin
        .topics()
        .getPartitionedTopicMetadataAsync(grow.topic())
        .thenCompose(
            meta ->
                meta.partitions >= grow.partitions()
                    ? CompletableFuture.completedFuture(null)
                    : done(
                        admin
                            .topics()
                            .updatePartitionedTopicAsync(grow.topic(), grow.partitions())));
  }

  /** Never deletes a topic a georep link writes to: its producers are named {@code georep-…}. */
  private CompletableFuture<String> deleteTopic(DeleteTopic delete) {
    CompletableFuture<List<String>> producers =
        delete.partitioned()
            ? admin
                .topics()
                .getPartitionedStatsAsync(delete.topic(), true)
                .thenApply(
                    stats ->
                        stats.getPartitions().values().stream()
                            .flatMap(p -> p.getPublishers().stream())
                            .map(p -> p.getProducerName())
                            .toList())
            : admin
                .topics()
                .getStatsAsync(delete.topic())
                .thenApply(
                    stats -> stats.getPublishers().stream().map(p -> p.getProducerName()).toList());
    return producers.thenCompose(
        names -> {
          List<String> georep =
              names.stream()
                  .filter(n -> n != null && n.startsWith(MetadataPlanner.GEOREP_PREFIX))
                  .toList();
          if (!georep.isEmpty()) {
            return CompletableFuture.completedFuture(
                "a running georep link writes to it (producer " + georep.get(0) + "); not deleted");
          }
          return done(
              delete.partitioned()
                  ? admin.topics().deletePartitionedTopicAsync(delete.topic(), false)
                  : admin.topics().deleteAsync(delete.topic(), false));
        });
  }

  private CompletableFuture<Void> addSchemas(String topic, List<SchemaVersion> versions) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (SchemaVersion version : versions) {
      chain =
          chain.thenCompose(
              v -> admin.schemas().createSchemaAsync(topic, schemaInfo(topic, version)));
    }
    return chain;
  }

  static SchemaInfo schemaInfo(String topic, SchemaVersion version) {
    byte[] data =
        version.definition().startsWith(MetadataReader.BASE64)
            ? Base64.getDecoder()
                .decode(version.definition().substring(MetadataReader.BASE64.length()))
            : version.definition().getBytes(StandardCharsets.UTF_8);
    return SchemaInfo.builder()
        .name(TopicNames.localName(topic))
        .type(SchemaType.valueOf(version.type()))
        .schema(data)
        .properties(version.properties())
        .build();
  }

  private static TenantInfo tenantInfo(Set<String> adminRoles, Set<String> allowedClusters) {
    return TenantInfo.builder().adminRoles(adminRoles).allowedClusters(allowedClusters).build();
  }

  private static Set<AuthAction> actions(Set<String> names) {
    return names.stream().map(AuthAction::valueOf).collect(Collectors.toSet());
  }

  private static CompletableFuture<String> done(CompletableFuture<Void> call) {
    return call.thenApply(v -> null);
  }

  /** Created meanwhile (or by an earlier, interrupted run) is as good as created now. */
  private static CompletableFuture<Void> ignoreConflict(CompletableFuture<Void> call) {
    return call.exceptionally(
        error -> {
          if (AsyncFailures.unwrap(error) instanceof PulsarAdminException.ConflictException) {
            return null;
          }
          throw new CompletionException(AsyncFailures.unwrap(error));
        });
  }
}
