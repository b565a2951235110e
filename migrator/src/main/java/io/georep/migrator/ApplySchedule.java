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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * In which order a plan's operations may run, so that the applier can run many at once and still
 * never create a namespace before its tenant or a schema before its namespace's compatibility
 * strategy.
 *
 * <p>Operations fall into {@link Stage}s that run one after another. Within a stage, operations are
 * grouped by a key: the groups run concurrently, the operations of one group one after another in
 * plan order. The key is the record the broker changes: everything kept in a namespace's policies
 * (its policies, its grants, its subscription permissions, and its topics' grants) is keyed by the
 * namespace, so that no two requests race on one record; everything of one topic (its partitions,
 * topic-level policies, schemas, subscriptions) by the topic.
 */
final class ApplySchedule {
  private ApplySchedule() {}

  /** The stages, in the order they run. */
  enum Stage {
    TENANTS,
    NAMESPACES,
    NAMESPACE_SETTINGS,
    TOPICS,
    TOPIC_SETTINGS,
    /** Revokes and subscription deletions: before the topics they may belong to go. */
    REMOVALS,
    TOPIC_DELETIONS
  }

  /** One group: the indexes (into the list given to {@link #of}) to run one after another. */
  record Group(String key, List<Integer> items) {}

  /**
   * The groups of each stage, stages in order (empty ones left out), groups in the order of their
   * first item, items in list order.
   */
  static List<List<Group>> of(List<SyncOperation> operations) {
    Map<Stage, Map<String, List<Integer>>> stages = new TreeMap<>();
    for (int i = 0; i < operations.size(); i++) {
      SyncOperation operation = operations.get(i);
      stages
          .computeIfAbsent(stage(operation), s -> new LinkedHashMap<>())
          .computeIfAbsent(key(operation), k -> new ArrayList<>())
          .add(i);
    }
    List<List<Group>> result = new ArrayList<>();
    stages.forEach(
        (stage, groups) -> {
          List<Group> list = new ArrayList<>();
          groups.forEach((key, items) -> list.add(new Group(key, List.copyOf(items))));
          result.add(List.copyOf(list));
        });
    return List.copyOf(result);
  }

  static Stage stage(SyncOperation operation) {
    if (operation instanceof CreateTenant || operation instanceof UpdateTenant) {
      return Stage.TENANTS;
    }
    if (operation instanceof CreateNamespace) {
      return Stage.NAMESPACES;
    }
    if (operation instanceof SetNamespacePolicy
        || operation instanceof RemoveNamespacePolicy
        || operation instanceof GrantOnNamespace
        || operation instanceof GrantOnSubscription) {
      return Stage.NAMESPACE_SETTINGS;
    }
    if (operation instanceof CreateTopic || operation instanceof GrowPartitions) {
      return Stage.TOPICS;
    }
    if (operation instanceof SetTopicPolicy
        || operation instanceof RemoveTopicPolicy
        || operation instanceof GrantOnTopic
        || operation instanceof AddSchemas
        || operation instanceof ReplaceSchemas
        || operation instanceof CreateSubscription) {
      return Stage.TOPIC_SETTINGS;
    }
    if (operation instanceof RevokeOnNamespace
        || operation instanceof RevokeOnSubscription
        || operation instanceof RevokeOnTopic
        || operation instanceof DeleteSubscription) {
      return Stage.REMOVALS;
    }
    if (operation instanceof DeleteTopic) {
      return Stage.TOPIC_DELETIONS;
    }
    if (operation instanceof Impossible) {
      return Stage.TENANTS; // never run: nothing depends on it
    }
    throw new IllegalStateException("no stage for " + operation);
  }

  /** The record the operation changes on the broker. */
  static String key(SyncOperation operation) {
    if (operation instanceof CreateTenant o) {
      return o.tenant();
    }
    if (operation instanceof UpdateTenant o) {
      return o.tenant();
    }
    if (operation instanceof CreateNamespace o) {
      return o.namespace();
    }
    if (operation instanceof SetNamespacePolicy o) {
      return o.namespace();
    }
    if (operation instanceof RemoveNamespacePolicy o) {
      return o.namespace();
    }
    if (operation instanceof GrantOnNamespace o) {
      return o.namespace();
    }
    if (operation instanceof GrantOnSubscription o) {
      return o.namespace();
    }
    if (operation instanceof RevokeOnNamespace o) {
      return o.namespace();
    }
    if (operation instanceof RevokeOnSubscription o) {
      return o.namespace();
    }
    // Topic grants live in the namespace's policies too.
    if (operation instanceof GrantOnTopic o) {
      return TopicNames.namespaceOf(o.topic());
    }
    if (operation instanceof RevokeOnTopic o) {
      return TopicNames.namespaceOf(o.topic());
    }
    if (operation instanceof CreateTopic o) {
      return o.topic();
    }
    if (operation instanceof GrowPartitions o) {
      return o.topic();
    }
    if (operation instanceof SetTopicPolicy o) {
      return o.topic();
    }
    if (operation instanceof RemoveTopicPolicy o) {
      return o.topic();
    }
    if (operation instanceof AddSchemas o) {
      return o.topic();
    }
    if (operation instanceof ReplaceSchemas o) {
      return o.topic();
    }
    if (operation instanceof CreateSubscription o) {
      return o.topic();
    }
    if (operation instanceof DeleteSubscription o) {
      return o.topic();
    }
    if (operation instanceof DeleteTopic o) {
      return o.topic();
    }
    if (operation instanceof Impossible) {
      return "";
    }
    throw new IllegalStateException("no key for " + operation);
  }
}
