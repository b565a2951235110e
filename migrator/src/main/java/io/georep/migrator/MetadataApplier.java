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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * Carries out the items of a plan that will apply through the target's admin API, many at once but
 * in the order {@link ApplySchedule} requires (tenants before namespaces before their settings
 * before topics before theirs; deletions last; one record changed by one request at a time), each
 * by the {@link SyncOperationRunner}, whose operations are idempotent: a second run after a partial
 * one finishes the job. A refusal for lack of permission stops the run (every later call would be
 * refused too): nothing more starts, and once what runs has ended the refusal is thrown. Other
 * failures are reported per item and the run goes on.
 */
final class MetadataApplier {
  private final SyncOperationRunner operations;
  private final ClusterCalls calls;
  private final int parallelism;

  /**
   * @param parallelism how many groups of operations run at once
   */
  MetadataApplier(PulsarAdmin admin, ClusterCalls calls, int parallelism) {
    this.operations = new SyncOperationRunner(admin);
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
                          if (AsyncFailures.unwrap(error)
                              instanceof MetadataSyncException refused) {
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
      started = operations.run(item.operation());
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
                  describe(item), permissionFor(item.operation()), AsyncFailures.unwrap(error));
          if (failure.reason() == MetadataSyncException.Reason.ACCESS_DENIED) {
            throw failure;
          }
          return new ApplyResult(item, ApplyResult.Outcome.FAILED, failure.getMessage());
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
