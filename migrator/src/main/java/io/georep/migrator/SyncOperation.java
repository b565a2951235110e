package io.georep.migrator;

import java.util.List;
import java.util.Set;

/**
 * One change a plan can make on the target cluster, with everything the applier needs to make it.
 * Each is idempotent: applying it to a target that already has the change does nothing harmful.
 */
public sealed interface SyncOperation {

  /** Nothing can be done automatically; {@code reason} says why and what an operator can do. */
  record Impossible(String reason) implements SyncOperation {}

  record CreateTenant(String tenant, Set<String> adminRoles, Set<String> allowedClusters)
      implements SyncOperation {}

  /** Replaces a tenant's admin roles and allowed clusters. */
  record UpdateTenant(String tenant, Set<String> adminRoles, Set<String> allowedClusters)
      implements SyncOperation {}

  record CreateNamespace(String namespace) implements SyncOperation {}

  record SetNamespacePolicy(String namespace, String policy, PolicyValue value)
      implements SyncOperation {}

  /** Removes the namespace's own setting, so that the broker's default applies. */
  record RemoveNamespacePolicy(String namespace, String policy) implements SyncOperation {}

  /** Grants exactly these actions to the role on the namespace (replacing what it had). */
  record GrantOnNamespace(String namespace, String role, Set<String> actions)
      implements SyncOperation {}

  record RevokeOnNamespace(String namespace, String role) implements SyncOperation {}

  /**
   * Allows exactly these roles on a subscription name of a namespace: grants {@code roles}, then
   * revokes {@code revoke} (the roles the target allows beyond them).
   */
  record GrantOnSubscription(
      String namespace, String subscription, Set<String> roles, Set<String> revoke)
      implements SyncOperation {}

  /** Revokes these roles from a subscription name of a namespace. */
  record RevokeOnSubscription(String namespace, String subscription, Set<String> roles)
      implements SyncOperation {}

  /** Creates a topic, partitioned when {@code partitions > 0}. */
  record CreateTopic(String topic, int partitions) implements SyncOperation {}

  record GrowPartitions(String topic, int partitions) implements SyncOperation {}

  record SetTopicPolicy(String topic, String policy, PolicyValue value) implements SyncOperation {}

  record RemoveTopicPolicy(String topic, String policy) implements SyncOperation {}

  /** Grants exactly these actions to the role on the topic (replacing what it had). */
  record GrantOnTopic(String topic, String role, Set<String> actions) implements SyncOperation {}

  record RevokeOnTopic(String topic, String role) implements SyncOperation {}

  /** Creates a durable subscription at the earliest position (subscription sync moves it later). */
  record CreateSubscription(String topic, String subscription) implements SyncOperation {}

  /** Deletes a subscription; the broker refuses while consumers are connected. */
  record DeleteSubscription(String topic, String subscription) implements SyncOperation {}

  /** Registers these schema versions, in order, after those the topic already has. */
  record AddSchemas(String topic, List<SchemaVersion> versions) implements SyncOperation {}

  /** Deletes the topic's schema history and registers these versions, in order. */
  record ReplaceSchemas(String topic, List<SchemaVersion> versions) implements SyncOperation {}

  /**
   * Deletes a topic, unless a georep link is writing to it; the broker refuses while clients are
   * connected.
   */
  record DeleteTopic(String topic, boolean partitioned) implements SyncOperation {}
}
