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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * Carries out the items of a plan that will apply through the target's admin API, many at once but
 * in the order {@link ApplySchedule} requires (tenants before namespaces before their settings
 * before topics before theirs; deletions last; one record changed by one request at a time). Every
 * call is idempotent: an object that already exists counts as created, so a second run after a
 * partial one finishes the job. A refusal for lack of permission stops the run (every later call
 * would be refused too): nothing more starts, and once what runs has ended the refusal is thrown.
 * Other failures are reported per item and the run goes on.
 */
final class MetadataApplier {
  private final PulsarAdmin admin;
  private final ClusterCalls calls;
  private final int parallelism;

  /**
   * @param parallelism how many groups of operations run at once
   */
  MetadataApplier(PulsarAdmin admin, ClusterCalls calls, int parallelism) {
    this.admin = admin;
    this.calls = calls;
    this.parallelism = parallelism;
  }

  /**
   * @return one result per item that will apply, in plan order
   * @throws MetadataSyncException when the target refuses georep's role
   */
  List<ApplyResult> apply(MetadataPlan plan, SyncProgress progress) {
    List<PlanItem> items = plan.toApply();
    ApplyResult[] results = new ApplyResult[items.size()];
    AtomicReference<MetadataSyncException> denied = new AtomicReference<>();
    progress.started("apply", items.size());
    for (List<ApplySchedule.Group> stage :
        ApplySchedule.of(items.stream().map(PlanItem::operation).toList())) {
      Futures.await(
          Bounded.map(
              stage,
              parallelism,
              group -> applyInTurn(group.items(), items, results, denied, progress)));
      if (denied.get() != null) {
        throw denied.get();
      }
    }
    progress.finished("apply");
    return List.of(results);
  }

  /** Applies these items one after another; stops early once the target refused georep. */
  private CompletableFuture<Void> applyInTurn(
      List<Integer> indexes,
      List<PlanItem> items,
      ApplyResult[] results,
      AtomicReference<MetadataSyncException> denied,
      SyncProgress progress) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int index : indexes) {
      PlanItem item = items.get(index);
      chain =
          chain.thenCompose(
              v -> {
                if (denied.get() != null) {
                  return CompletableFuture.completedFuture(null);
                }
                return applyOne(item)
                    .thenAccept(
                        result -> {
                          results[index] = result;
                          progress.advanced(
                              "apply", item.action() + " " + item.what() + " " + item.object());
                        })
                    .exceptionally(
                        error -> {
                          if (ClusterCalls.unwrap(error) instanceof MetadataSyncException refused) {
                            denied.compareAndSet(null, refused);
                            return null;
                          }
                          throw new CompletionException(error);
                        });
              });
    }
    return chain;
  }

  /** The item's result; fails with a {@link MetadataSyncException} when access is denied. */
  private CompletableFuture<ApplyResult> applyOne(PlanItem item) {
    CompletableFuture<String> started;
    try {
      started = run(item.operation());
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle(
        (skipped, error) -> {
          if (error == null) {
            return skipped == null
                ? new ApplyResult(item, ApplyResult.Outcome.APPLIED, "")
                : new ApplyResult(item, ApplyResult.Outcome.SKIPPED, skipped);
          }
          MetadataSyncException failure =
              calls.failure(
                  describe(item), permissionFor(item.operation()), ClusterCalls.unwrap(error));
          if (failure.reason() == MetadataSyncException.Reason.ACCESS_DENIED) {
            throw failure;
          }
          return new ApplyResult(item, ApplyResult.Outcome.FAILED, failure.getMessage());
        });
  }

  /** Runs one operation; answers null when done, or why it was skipped. */
  private CompletableFuture<String> run(SyncOperation operation) {
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
      return done(
          ignoreConflict(
              create.partitions() > 0
                  ? admin.topics().createPartitionedTopicAsync(create.topic(), create.partitions())
                  : admin.topics().createNonPartitionedTopicAsync(create.topic())));
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
          if (ClusterCalls.unwrap(error) instanceof PulsarAdminException.ConflictException) {
            return null;
          }
          throw new CompletionException(ClusterCalls.unwrap(error));
        });
  }

  private static String describe(PlanItem item) {
    return switch (item.action()) {
          case CREATE -> "create ";
          case UPDATE -> "update ";
          case CONFLICT -> "overwrite ";
          case ONLY_ON_TARGET -> "delete ";
        }
        + item.what()
        + " of "
        + item.object();
  }

  /** The permission the target's role needs for an operation, for error messages. */
  static String permissionFor(SyncOperation operation) {
    if (operation instanceof CreateTenant c) {
      return "super-user (only super-users create tenants)";
    }
    if (operation instanceof UpdateTenant u) {
      return "super-user (only super-users change tenants)";
    }
    if (operation instanceof CreateNamespace c) {
      return tenantAdmin(c.namespace());
    }
    if (operation instanceof SetNamespacePolicy s) {
      return tenantAdmin(s.namespace());
    }
    if (operation instanceof RemoveNamespacePolicy r) {
      return tenantAdmin(r.namespace());
    }
    if (operation instanceof GrantOnNamespace g) {
      return tenantAdmin(g.namespace());
    }
    if (operation instanceof RevokeOnNamespace r) {
      return tenantAdmin(r.namespace());
    }
    if (operation instanceof GrantOnSubscription g) {
      return tenantAdmin(g.namespace());
    }
    if (operation instanceof RevokeOnSubscription r) {
      return tenantAdmin(r.namespace());
    }
    if (operation instanceof CreateTopic c) {
      return tenantAdmin(TopicNames.namespaceOf(c.topic()));
    }
    if (operation instanceof GrowPartitions g) {
      return tenantAdmin(TopicNames.namespaceOf(g.topic()));
    }
    if (operation instanceof SetTopicPolicy s) {
      return tenantAdmin(TopicNames.namespaceOf(s.topic()));
    }
    if (operation instanceof RemoveTopicPolicy r) {
      return tenantAdmin(TopicNames.namespaceOf(r.topic()));
    }
    if (operation instanceof GrantOnTopic g) {
      return tenantAdmin(TopicNames.namespaceOf(g.topic()));
    }
    if (operation instanceof RevokeOnTopic r) {
      return tenantAdmin(TopicNames.namespaceOf(r.topic()));
    }
    if (operation instanceof CreateSubscription c) {
      return "consume on " + c.topic() + ", or " + tenantAdmin(TopicNames.namespaceOf(c.topic()));
    }
    if (operation instanceof DeleteSubscription d) {
      return "consume on " + d.topic() + ", or " + tenantAdmin(TopicNames.namespaceOf(d.topic()));
    }
    if (operation instanceof AddSchemas a) {
      return "produce on " + a.topic() + ", or " + tenantAdmin(TopicNames.namespaceOf(a.topic()));
    }
    if (operation instanceof ReplaceSchemas r) {
      return tenantAdmin(TopicNames.namespaceOf(r.topic()));
    }
    if (operation instanceof DeleteTopic d) {
      return tenantAdmin(TopicNames.namespaceOf(d.topic()));
    }
    if (operation instanceof Impossible i) {
      return "nothing";
    }
    throw new IllegalStateException("no permission known for " + operation);
  }

  private static String tenantAdmin(String namespace) {
    return "tenant admin of '" + MetadataPlanner.tenantOf(namespace) + "' (or super-user)";
  }
}
