package io.georep.migrator;

import io.georep.config.LinkOptions;
import io.georep.config.MappingConfig;
import io.georep.config.ScopeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Diffs a source snapshot, narrowed to a link's scope and renamed through its mapping, against a
 * target snapshot. Pure: no I/O, the same snapshots always give the same plan.
 *
 * <p>Rules: what the target lacks is created; a setting the target lacks is added (UPDATE), as are
 * new partitions and new schema versions after those the target already has; a setting the target
 * holds with another value is a CONFLICT, overwritten only when {@link PlanOptions#overwrite} names
 * it; partition counts never shrink and a topic never changes between partitioned and not; what
 * only the target has is reported, and deleted only with {@link PlanOptions#mirrorDeletes} (topics,
 * subscriptions and grants; never tenants or namespaces). A tenant created on the target is allowed
 * on the target's cluster only. georep's own subscriptions ({@value #GEOREP_PREFIX}…) are never
 * compared. The namespace policies the link itself sets on its target namespaces ({@link
 * #ownNamespacePolicies}: deduplication, with {@code deduplication: enable}) are expected there
 * whatever the source holds: never drift, never overwritten with the source's value.
 *
 * <p>When several source namespaces or topics map to one target name, the first (in name order)
 * decides; each other one that differs from it is a {@link ObjectKind#MAPPING} conflict that
 * nothing applies. The subscriptions of all of them are created (and none deleted).
 */
public final class MetadataPlanner {
  static final String GEOREP_PREFIX = "georep-";
  static final String NONE = "-";

  private final ScopeConfig scope;
  private final MappingConfig mapping;
  private final String targetCluster;
  private final PlanOptions options;
  private final Map<String, PolicyValue> ownNamespacePolicies;

  /**
   * @param targetCluster the target broker's own cluster name, which created tenants are allowed on
   * @param ownNamespacePolicies what the link itself sets on each of its target namespaces (see
   *     {@link #ownNamespacePolicies(LinkOptions)}), by policy name
   */
  public MetadataPlanner(
      ScopeConfig scope,
      MappingConfig mapping,
      String targetCluster,
      PlanOptions options,
      Map<String, PolicyValue> ownNamespacePolicies) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    this.targetCluster = Objects.requireNonNull(targetCluster, "targetCluster");
    this.options = Objects.requireNonNull(options, "options");
    this.ownNamespacePolicies = Map.copyOf(ownNamespacePolicies);
  }

  /**
   * The namespace policies a link with these options sets on its target namespaces itself: with
   * {@code deduplication: enable}, deduplication on (the replicator's {@code LinkSupervisor}
   * switches it on before the first producer connects).
   */
  public static Map<String, PolicyValue> ownNamespacePolicies(LinkOptions options) {
    return options.enableTargetDeduplication()
        ? Map.of(NamespacePolicy.DEDUPLICATION.policyName(), PolicyJson.of(Boolean.TRUE))
        : Map.of();
  }

  public MetadataPlan plan(
      String link,
      String sourceName,
      String targetName,
      MetadataSnapshot source,
      MetadataSnapshot target) {
    List<PlanItem> items = new ArrayList<>();
    List<MetadataSnapshot.Namespace> namespaces =
        source.namespaces().values().stream().filter(ns -> inScope(ns.name())).toList();
    planTenants(namespaces, source, target, items);
    Map<String, List<MetadataSnapshot.Namespace>> namespacesByTarget = new LinkedHashMap<>();
    for (MetadataSnapshot.Namespace namespace : namespaces) {
      namespacesByTarget
          .computeIfAbsent(mapping.mapNamespace(namespace.name()), n -> new ArrayList<>())
          .add(namespace);
    }
    namespacesByTarget.forEach(
        (targetNamespace, sources) -> {
          MetadataSnapshot.Namespace first = sources.get(0);
          planNamespace(first, targetNamespace, target.namespaces().get(targetNamespace), items);
          for (MetadataSnapshot.Namespace other : sources.subList(1, sources.size())) {
            planMappedTogether(
                    targetNamespace, first.name(), other.name(), namespaceDifferences(first, other))
                .ifPresent(items::add);
          }
        });
    Map<String, List<MetadataSnapshot.Topic>> topicsByTarget = new LinkedHashMap<>();
    for (MetadataSnapshot.Topic topic : source.topics().values()) {
      if (inScope(topic)) {
        topicsByTarget
            .computeIfAbsent(mapping.mapTopic(topic.name()), t -> new ArrayList<>())
            .add(topic);
      }
    }
    List<PlanItem> deletions = new ArrayList<>();
    topicsByTarget.forEach(
        (targetTopic, sources) -> {
          MetadataSnapshot.Topic first = sources.get(0);
          // Subscriptions of every merged topic are wanted; the first decides the rest.
          Set<String> subscriptions = new TreeSet<>();
          sources.forEach(t -> subscriptions.addAll(t.subscriptions()));
          planTopic(
              first,
              subscriptions,
              targetTopic,
              target.topics().get(targetTopic),
              items,
              deletions);
          for (MetadataSnapshot.Topic other : sources.subList(1, sources.size())) {
            planMappedTogether(
                    targetTopic, first.name(), other.name(), topicDifferences(first, other))
                .ifPresent(items::add);
          }
        });
    planTopicsOnlyOnTarget(namespaces, source, target, topicsByTarget.keySet(), deletions);
    items.addAll(deletions);
    return new MetadataPlan(
        link, sourceName, targetName, items.stream().map(this::decide).toList());
  }

  private void planTenants(
      List<MetadataSnapshot.Namespace> namespaces,
      MetadataSnapshot source,
      MetadataSnapshot target,
      List<PlanItem> items) {
    Map<String, String> sourceTenantOfTarget = new LinkedHashMap<>();
    for (MetadataSnapshot.Namespace namespace : namespaces) {
      sourceTenantOfTarget.putIfAbsent(
          tenantOf(mapping.mapNamespace(namespace.name())), namespace.tenant());
    }
    sourceTenantOfTarget.forEach(
        (targetTenant, sourceTenant) -> {
          Set<String> admins =
              source.tenants().containsKey(sourceTenant)
                  ? source.tenants().get(sourceTenant).adminRoles()
                  : Set.of();
          MetadataSnapshot.Tenant existing = target.tenants().get(targetTenant);
          if (existing == null) {
            items.add(
                item(
                    SyncAction.CREATE,
                    ObjectKind.TENANT,
                    targetTenant,
                    "",
                    "admins " + admins + ", clusters [" + targetCluster + "]",
                    NONE,
                    new SyncOperation.CreateTenant(targetTenant, admins, Set.of(targetCluster))));
            return;
          }
          Set<String> clusters = new TreeSet<>(existing.allowedClusters());
          boolean clusterMissing = clusters.add(targetCluster);
          if (!existing.adminRoles().equals(admins)) {
            items.add(
                item(
                    SyncAction.CONFLICT,
                    ObjectKind.TENANT_ADMINS,
                    targetTenant,
                    "",
                    admins.toString(),
                    existing.adminRoles().toString(),
                    new SyncOperation.UpdateTenant(targetTenant, admins, clusters)));
          }
          if (clusterMissing) {
            items.add(
                item(
                    SyncAction.UPDATE,
                    ObjectKind.TENANT,
                    targetTenant,
                    "allowedClusters",
                    clusters.toString(),
                    existing.allowedClusters().toString(),
                    new SyncOperation.UpdateTenant(targetTenant, existing.adminRoles(), clusters)));
          }
        });
  }

  private void planNamespace(
      MetadataSnapshot.Namespace source,
      String name,
      MetadataSnapshot.Namespace existing,
      List<PlanItem> items) {
    if (existing == null) {
      items.add(
          item(
              SyncAction.CREATE,
              ObjectKind.NAMESPACE,
              name,
              "",
              source.name(),
              NONE,
              new SyncOperation.CreateNamespace(name)));
    }
    Map<String, PolicyValue> targetPolicies = existing == null ? Map.of() : existing.policies();
    // georep's own settings win over the source's: the link needs them on its target.
    Map<String, PolicyValue> wanted = new LinkedHashMap<>(source.policies());
    wanted.putAll(ownNamespacePolicies);
    planSettings(
        ObjectKind.NAMESPACE_POLICY,
        name,
        existing == null,
        wanted,
        targetPolicies,
        (policy, value) -> new SyncOperation.SetNamespacePolicy(name, policy, value),
        policy -> new SyncOperation.RemoveNamespacePolicy(name, policy),
        items);
    Map<String, Set<String>> targetGrants = existing == null ? Map.of() : existing.permissions();
    planGrants(
        ObjectKind.NAMESPACE_GRANT,
        name,
        existing == null,
        source.permissions(),
        targetGrants,
        (role, actions) -> new SyncOperation.GrantOnNamespace(name, role, actions),
        role -> new SyncOperation.RevokeOnNamespace(name, role),
        items);
    planSubscriptionPermissions(
        name,
        existing == null,
        source.subscriptionPermissions(),
        existing == null ? Map.of() : existing.subscriptionPermissions(),
        items);
  }

  /** The roles allowed on each subscription name: kept per namespace by Pulsar. */
  private void planSubscriptionPermissions(
      String namespace,
      boolean created,
      Map<String, Set<String>> wanted,
      Map<String, Set<String>> existing,
      List<PlanItem> items) {
    Set<String> subscriptions = new TreeSet<>(wanted.keySet());
    subscriptions.addAll(existing.keySet());
    subscriptions.removeIf(s -> s.startsWith(GEOREP_PREFIX));
    for (String subscription : subscriptions) {
      Set<String> want = wanted.get(subscription);
      Set<String> have = existing.get(subscription);
      if (Objects.equals(want, have)) {
        continue;
      }
      if (have == null) {
        items.add(
            item(
                created ? SyncAction.CREATE : SyncAction.UPDATE,
                ObjectKind.SUBSCRIPTION_GRANT,
                namespace,
                subscription,
                want.toString(),
                NONE,
                new SyncOperation.GrantOnSubscription(namespace, subscription, want, Set.of())));
      } else if (want == null) {
        items.add(
            item(
                SyncAction.ONLY_ON_TARGET,
                ObjectKind.SUBSCRIPTION_GRANT,
                namespace,
                subscription,
                NONE,
                have.toString(),
                new SyncOperation.RevokeOnSubscription(namespace, subscription, have)));
      } else {
        Set<String> extra = new TreeSet<>(have);
        extra.removeAll(want);
        items.add(
            item(
                SyncAction.CONFLICT,
                ObjectKind.SUBSCRIPTION_GRANT,
                namespace,
                subscription,
                want.toString(),
                have.toString(),
                new SyncOperation.GrantOnSubscription(namespace, subscription, want, extra)));
      }
    }
  }

  /**
   * A conflict that nothing applies when a second source object, mapped to the same target name as
   * the first, differs from it; nothing when they agree.
   */
  private static java.util.Optional<PlanItem> planMappedTogether(
      String targetName, String first, String other, List<String> differences) {
    if (differences.isEmpty()) {
      return java.util.Optional.empty();
    }
    String what = String.join(", ", differences);
    return java.util.Optional.of(
        item(
            SyncAction.CONFLICT,
            ObjectKind.MAPPING,
            targetName,
            other,
            other + " differs in " + what,
            "as " + first,
            new SyncOperation.Impossible(
                first
                    + " and "
                    + other
                    + " both map to "
                    + targetName
                    + " and differ in "
                    + what
                    + "; "
                    + first
                    + " (first by name) decides. Give them the same settings or map them apart")));
  }

  private static List<String> namespaceDifferences(
      MetadataSnapshot.Namespace first, MetadataSnapshot.Namespace other) {
    List<String> differences = new ArrayList<>();
    differences.addAll(differingKeys("policy", first.policies(), other.policies()));
    differences.addAll(differingKeys("grant", first.permissions(), other.permissions()));
    differences.addAll(
        differingKeys(
            "subscription grant",
            first.subscriptionPermissions(),
            other.subscriptionPermissions()));
    return differences;
  }

  private static List<String> topicDifferences(
      MetadataSnapshot.Topic first, MetadataSnapshot.Topic other) {
    List<String> differences = new ArrayList<>();
    if (first.partitions() != other.partitions()) {
      differences.add(
          "partitions (" + shape(first.partitions()) + ", " + shape(other.partitions()) + ")");
    }
    differences.addAll(differingKeys("policy", first.policies(), other.policies()));
    differences.addAll(differingKeys("grant", first.permissions(), other.permissions()));
    if (!first.schemas().equals(other.schemas())) {
      differences.add("schema");
    }
    return differences;
  }

  private static List<String> differingKeys(
      String label, Map<String, ?> first, Map<String, ?> other) {
    Set<String> keys = new TreeSet<>(first.keySet());
    keys.addAll(other.keySet());
    return keys.stream()
        .filter(key -> !Objects.equals(first.get(key), other.get(key)))
        .map(key -> label + " " + key)
        .toList();
  }

  /**
   * @param subscriptions the subscriptions wanted on the target: those of every source topic mapped
   *     to it
   */
  private void planTopic(
      MetadataSnapshot.Topic source,
      Set<String> subscriptions,
      String name,
      MetadataSnapshot.Topic existing,
      List<PlanItem> items,
      List<PlanItem> deletions) {
    boolean created = existing == null;
    if (created) {
      items.add(
          item(
              SyncAction.CREATE,
              ObjectKind.TOPIC,
              name,
              "",
              shape(source.partitions()),
              NONE,
              new SyncOperation.CreateTopic(name, source.partitions())));
    } else {
      planPartitions(source, name, existing, items);
    }
    planSettings(
        ObjectKind.TOPIC_POLICY,
        name,
        created,
        source.policies(),
        created ? Map.of() : existing.policies(),
        (policy, value) -> new SyncOperation.SetTopicPolicy(name, policy, value),
        policy -> new SyncOperation.RemoveTopicPolicy(name, policy),
        items);
    planGrants(
        ObjectKind.TOPIC_GRANT,
        name,
        created,
        source.permissions(),
        created ? Map.of() : existing.permissions(),
        (role, actions) -> new SyncOperation.GrantOnTopic(name, role, actions),
        role -> new SyncOperation.RevokeOnTopic(name, role),
        items);
    planSchemas(source, name, created ? List.of() : existing.schemas(), items);
    Set<String> targetSubscriptions = created ? Set.of() : existing.subscriptions();
    for (String subscription : subscriptions) {
      if (!subscription.startsWith(GEOREP_PREFIX) && !targetSubscriptions.contains(subscription)) {
        items.add(
            item(
                SyncAction.CREATE,
                ObjectKind.SUBSCRIPTION,
                name,
                subscription,
                subscription,
                NONE,
                new SyncOperation.CreateSubscription(name, subscription)));
      }
    }
    for (String subscription : targetSubscriptions) {
      if (!subscription.startsWith(GEOREP_PREFIX) && !subscriptions.contains(subscription)) {
        deletions.add(
            item(
                SyncAction.ONLY_ON_TARGET,
                ObjectKind.SUBSCRIPTION,
                name,
                subscription,
                NONE,
                subscription,
                new SyncOperation.DeleteSubscription(name, subscription)));
      }
    }
  }

  private void planPartitions(
      MetadataSnapshot.Topic source,
      String name,
      MetadataSnapshot.Topic existing,
      List<PlanItem> items) {
    int wanted = source.partitions();
    int have = existing.partitions();
    if (wanted == have) {
      return;
    }
    String sourceShape = shape(wanted);
    String targetShape = shape(have);
    if (source.partitioned() != existing.partitioned()) {
      items.add(
          item(
              SyncAction.CONFLICT,
              ObjectKind.PARTITIONS,
              name,
              "",
              sourceShape,
              targetShape,
              new SyncOperation.Impossible(
                  "a topic cannot change between partitioned and non-partitioned;"
                      + " delete the target topic by hand if its data can go")));
    } else if (wanted > have) {
      items.add(
          item(
              SyncAction.UPDATE,
              ObjectKind.PARTITIONS,
              name,
              "",
              sourceShape,
              targetShape,
              new SyncOperation.GrowPartitions(name, wanted)));
    } else {
      items.add(
          item(
              SyncAction.CONFLICT,
              ObjectKind.PARTITIONS,
              name,
              "",
              sourceShape,
              targetShape,
              new SyncOperation.Impossible("partition counts never shrink on the target")));
    }
  }

  private void planSchemas(
      MetadataSnapshot.Topic source,
      String name,
      List<SchemaVersion> existing,
      List<PlanItem> items) {
    List<SchemaVersion> wanted = source.schemas();
    if (wanted.equals(existing) || wanted.isEmpty() && existing.isEmpty()) {
      return;
    }
    String sourceSummary = schemaSummary(wanted);
    String targetSummary = schemaSummary(existing);
    if (wanted.isEmpty()) {
      items.add(
          item(
              SyncAction.ONLY_ON_TARGET,
              ObjectKind.SCHEMA,
              name,
              "",
              NONE,
              targetSummary,
              new SyncOperation.Impossible(
                  "georep never deletes a schema that only the target has")));
    } else if (existing.size() < wanted.size()
        && wanted.subList(0, existing.size()).equals(existing)) {
      items.add(
          item(
              existing.isEmpty() ? SyncAction.CREATE : SyncAction.UPDATE,
              ObjectKind.SCHEMA,
              name,
              "",
              sourceSummary,
              targetSummary,
              new SyncOperation.AddSchemas(name, wanted.subList(existing.size(), wanted.size()))));
    } else {
      items.add(
          item(
              SyncAction.CONFLICT,
              ObjectKind.SCHEMA,
              name,
              "",
              sourceSummary,
              targetSummary,
              new SyncOperation.ReplaceSchemas(name, wanted)));
    }
  }

  private void planTopicsOnlyOnTarget(
      List<MetadataSnapshot.Namespace> namespaces,
      MetadataSnapshot source,
      MetadataSnapshot target,
      Set<String> plannedTopics,
      List<PlanItem> deletions) {
    for (MetadataSnapshot.Topic topic : target.topics().values()) {
      if (plannedTopics.contains(topic.name()) || isSystemTopic(topic.name())) {
        continue;
      }
      boolean mapsFromScope =
          namespaces.stream()
              .anyMatch(
                  ns -> {
                    String candidate = sourceCandidate(topic.name(), ns.name());
                    return candidate != null
                        && inScope(candidate)
                        && !source.topics().containsKey(candidate);
                  });
      if (mapsFromScope) {
        deletions.add(
            item(
                SyncAction.ONLY_ON_TARGET,
                ObjectKind.TOPIC,
                topic.name(),
                "",
                NONE,
                shape(topic.partitions()),
                new SyncOperation.DeleteTopic(topic.name(), topic.partitioned())));
      }
    }
  }

  /**
   * The source topic in {@code sourceNamespace} that would map to {@code targetTopic}, or null when
   * none can: the inverse of the mapping for one namespace.
   */
  private String sourceCandidate(String targetTopic, String sourceNamespace) {
    int domainEnd = targetTopic.indexOf("://");
    int localStart = targetTopic.lastIndexOf('/');
    String targetNamespace = targetTopic.substring(domainEnd + 3, localStart);
    String local = targetTopic.substring(localStart + 1);
    if (!mapping.mapNamespace(sourceNamespace).equals(targetNamespace)
        || !local.startsWith(mapping.topicPrefix())
        || !local.endsWith(mapping.topicSuffix())
        || local.length() < mapping.topicPrefix().length() + mapping.topicSuffix().length()) {
      return null;
    }
    String sourceLocal =
        local.substring(
            mapping.topicPrefix().length(), local.length() - mapping.topicSuffix().length());
    if (sourceLocal.isEmpty()) {
      return null;
    }
    return targetTopic.substring(0, domainEnd) + "://" + sourceNamespace + "/" + sourceLocal;
  }

  private interface SetOperation<V> {
    SyncOperation set(String key, V value);
  }

  private interface RemoveOperation {
    SyncOperation remove(String key);
  }

  private void planSettings(
      ObjectKind kind,
      String object,
      boolean objectCreated,
      Map<String, PolicyValue> wanted,
      Map<String, PolicyValue> existing,
      SetOperation<PolicyValue> set,
      RemoveOperation remove,
      List<PlanItem> items) {
    Set<String> names = new TreeSet<>(wanted.keySet());
    names.addAll(existing.keySet());
    for (String policy : names) {
      PolicyValue want = wanted.get(policy);
      PolicyValue have = existing.get(policy);
      if (Objects.equals(want, have)) {
        continue;
      }
      if (have == null) {
        SyncAction action = objectCreated ? SyncAction.CREATE : SyncAction.UPDATE;
        items.add(item(action, kind, object, policy, want.json(), NONE, set.set(policy, want)));
      } else if (want == null) {
        items.add(
            item(
                SyncAction.CONFLICT,
                kind,
                object,
                policy,
                "(not set)",
                have.json(),
                remove.remove(policy)));
      } else {
        items.add(
            item(
                SyncAction.CONFLICT,
                kind,
                object,
                policy,
                want.json(),
                have.json(),
                set.set(policy, want)));
      }
    }
  }

  private void planGrants(
      ObjectKind kind,
      String object,
      boolean objectCreated,
      Map<String, Set<String>> wanted,
      Map<String, Set<String>> existing,
      SetOperation<Set<String>> grant,
      RemoveOperation revoke,
      List<PlanItem> items) {
    Set<String> roles = new TreeSet<>(wanted.keySet());
    roles.addAll(existing.keySet());
    for (String role : roles) {
      Set<String> want = wanted.get(role);
      Set<String> have = existing.get(role);
      if (Objects.equals(want, have)) {
        continue;
      }
      if (have == null) {
        items.add(
            item(
                objectCreated ? SyncAction.CREATE : SyncAction.UPDATE,
                kind,
                object,
                role,
                want.toString(),
                NONE,
                grant.set(role, want)));
      } else if (want == null) {
        items.add(
            item(
                SyncAction.ONLY_ON_TARGET,
                kind,
                object,
                role,
                NONE,
                have.toString(),
                revoke.remove(role)));
      } else {
        items.add(
            item(
                SyncAction.CONFLICT,
                kind,
                object,
                role,
                want.toString(),
                have.toString(),
                grant.set(role, want)));
      }
    }
  }

  /** Sets {@code willApply} and the note from the options. */
  private PlanItem decide(PlanItem item) {
    if (item.operation() instanceof SyncOperation.Impossible impossible) {
      return withDecision(item, false, impossible.reason());
    }
    return switch (item.action()) {
      case CREATE, UPDATE -> withDecision(item, true, "");
      case CONFLICT ->
          options.overwrites(item)
              ? withDecision(item, true, "overwritten (--overwrite)")
              : withDecision(item, false, "kept; --overwrite " + item.selector() + " replaces it");
      case ONLY_ON_TARGET ->
          options.mirrorDeletes()
              ? withDecision(item, true, "deleted (--mirror-deletes)")
              : withDecision(item, false, "kept; --mirror-deletes removes it");
    };
  }

  private static PlanItem withDecision(PlanItem item, boolean willApply, String note) {
    return new PlanItem(
        item.action(),
        item.kind(),
        item.object(),
        item.aspect(),
        item.source(),
        item.target(),
        item.operation(),
        willApply,
        note);
  }

  private static PlanItem item(
      SyncAction action,
      ObjectKind kind,
      String object,
      String aspect,
      String source,
      String target,
      SyncOperation operation) {
    return new PlanItem(action, kind, object, aspect, source, target, operation, false, "");
  }

  private boolean inScope(String namespaceOrTopic) {
    if (namespaceOrTopic.contains("://")) {
      return !isSystemTopic(namespaceOrTopic) && scope.includes(persistentForm(namespaceOrTopic));
    }
    return MetadataScope.coversNamespace(scope, namespaceOrTopic);
  }

  private boolean inScope(MetadataSnapshot.Topic topic) {
    return inScope(topic.name());
  }

  /**
   * Scopes select persistent topics; a non-persistent topic is in scope where its twin would be.
   */
  static String persistentForm(String topic) {
    return topic.startsWith("non-persistent://")
        ? "persistent://" + topic.substring("non-persistent://".length())
        : topic;
  }

  static boolean isSystemTopic(String topic) {
    return topic.substring(topic.lastIndexOf('/') + 1).startsWith("__");
  }

  static String tenantOf(String namespace) {
    return namespace.substring(0, namespace.indexOf('/'));
  }

  private static String shape(int partitions) {
    return partitions == 0 ? "non-partitioned" : partitions + " partitions";
  }

  private static String schemaSummary(List<SchemaVersion> versions) {
    if (versions.isEmpty()) {
      return NONE;
    }
    return versions.size()
        + (versions.size() == 1 ? " version, last " : " versions, last ")
        + versions.get(versions.size() - 1).summary();
  }
}
