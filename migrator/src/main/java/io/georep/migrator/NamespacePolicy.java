package io.georep.migrator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pulsar.client.admin.Namespaces;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.AutoSubscriptionCreationOverride;
import org.apache.pulsar.common.policies.data.AutoTopicCreationOverride;
import org.apache.pulsar.common.policies.data.BacklogQuota;
import org.apache.pulsar.common.policies.data.DelayedDeliveryPolicies;
import org.apache.pulsar.common.policies.data.DispatchRate;
import org.apache.pulsar.common.policies.data.InactiveTopicPolicies;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.PublishRate;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.SchemaCompatibilityStrategy;
import org.apache.pulsar.common.policies.data.SubscribeRate;
import org.apache.pulsar.common.policies.data.SubscriptionAuthMode;

/**
 * The namespace policies metadata sync copies, each with how to read it, set it and remove it
 * through the admin API. Most are read from the namespace's {@link Policies} (one request per
 * namespace); the rates, which {@code Policies} keeps per cluster name, through their own getters,
 * which answer for the broker's own cluster.
 *
 * <p>{@link #NOT_SYNCED} names every other field of {@code Policies} and why it stays behind; a
 * test checks that the two lists cover {@code Policies} and that docs/metadata-sync.md names them
 * all.
 */
public enum NamespacePolicy {
  RETENTION(
      "retention",
      field(p -> p.retention_policies),
      (ns, n, v) -> ns.setRetentionAsync(n, (RetentionPolicies) v),
      Namespaces::removeRetentionAsync),
  MESSAGE_TTL(
      "messageTtlSeconds",
      field(p -> p.message_ttl_in_seconds),
      (ns, n, v) -> ns.setNamespaceMessageTTLAsync(n, (Integer) v),
      Namespaces::removeNamespaceMessageTTLAsync),
  BACKLOG_QUOTAS(
      "backlogQuotas",
      field(p -> p.backlog_quota_map),
      NamespacePolicy::setBacklogQuotas,
      NamespacePolicy::removeBacklogQuotas),
  DEDUPLICATION(
      "deduplication",
      field(p -> p.deduplicationEnabled),
      (ns, n, v) -> ns.setDeduplicationStatusAsync(n, (Boolean) v),
      Namespaces::removeDeduplicationStatusAsync),
  DEDUPLICATION_SNAPSHOT_INTERVAL(
      "deduplicationSnapshotIntervalSeconds",
      field(p -> p.deduplicationSnapshotIntervalSeconds),
      (ns, n, v) -> ns.setDeduplicationSnapshotIntervalAsync(n, (Integer) v),
      Namespaces::removeDeduplicationSnapshotIntervalAsync),
  SCHEMA_COMPATIBILITY_STRATEGY(
      "schemaCompatibilityStrategy",
      field(p -> p.schema_compatibility_strategy),
      (ns, n, v) -> ns.setSchemaCompatibilityStrategyAsync(n, (SchemaCompatibilityStrategy) v),
      (ns, n) -> ns.setSchemaCompatibilityStrategyAsync(n, SchemaCompatibilityStrategy.UNDEFINED)),
  SCHEMA_VALIDATION_ENFORCED(
      "schemaValidationEnforced",
      field(p -> p.schema_validation_enforced),
      (ns, n, v) -> ns.setSchemaValidationEnforcedAsync(n, (Boolean) v),
      (ns, n) -> ns.setSchemaValidationEnforcedAsync(n, false)),
  SCHEMA_AUTO_UPDATE(
      "schemaAutoUpdate",
      field(p -> p.is_allow_auto_update_schema),
      (ns, n, v) -> ns.setIsAllowAutoUpdateSchemaAsync(n, (Boolean) v),
      (ns, n) -> ns.setIsAllowAutoUpdateSchemaAsync(n, true)),
  MAX_PRODUCERS_PER_TOPIC(
      "maxProducersPerTopic",
      field(p -> p.max_producers_per_topic),
      (ns, n, v) -> ns.setMaxProducersPerTopicAsync(n, (Integer) v),
      Namespaces::removeMaxProducersPerTopicAsync),
  MAX_CONSUMERS_PER_TOPIC(
      "maxConsumersPerTopic",
      field(p -> p.max_consumers_per_topic),
      (ns, n, v) -> ns.setMaxConsumersPerTopicAsync(n, (Integer) v),
      Namespaces::removeMaxConsumersPerTopicAsync),
  MAX_CONSUMERS_PER_SUBSCRIPTION(
      "maxConsumersPerSubscription",
      field(p -> p.max_consumers_per_subscription),
      (ns, n, v) -> ns.setMaxConsumersPerSubscriptionAsync(n, (Integer) v),
      Namespaces::removeMaxConsumersPerSubscriptionAsync),
  MAX_UNACKED_PER_CONSUMER(
      "maxUnackedMessagesPerConsumer",
      field(p -> p.max_unacked_messages_per_consumer),
      (ns, n, v) -> ns.setMaxUnackedMessagesPerConsumerAsync(n, (Integer) v),
      Namespaces::removeMaxUnackedMessagesPerConsumerAsync),
  MAX_UNACKED_PER_SUBSCRIPTION(
      "maxUnackedMessagesPerSubscription",
      field(p -> p.max_unacked_messages_per_subscription),
      (ns, n, v) -> ns.setMaxUnackedMessagesPerSubscriptionAsync(n, (Integer) v),
      Namespaces::removeMaxUnackedMessagesPerSubscriptionAsync),
  MAX_SUBSCRIPTIONS_PER_TOPIC(
      "maxSubscriptionsPerTopic",
      field(p -> p.max_subscriptions_per_topic),
      (ns, n, v) -> ns.setMaxSubscriptionsPerTopicAsync(n, (Integer) v),
      Namespaces::removeMaxSubscriptionsPerTopicAsync),
  MAX_TOPICS_PER_NAMESPACE(
      "maxTopicsPerNamespace",
      field(p -> p.max_topics_per_namespace),
      (ns, n, v) -> ns.setMaxTopicsPerNamespaceAsync(n, (Integer) v),
      Namespaces::removeMaxTopicsPerNamespaceAsync),
  PUBLISH_RATE(
      "publishRate",
      (ns, n, p) -> ns.getPublishRateAsync(n).thenApply(v -> (Object) v),
      (ns, n, v) -> ns.setPublishRateAsync(n, (PublishRate) v),
      Namespaces::removePublishRateAsync),
  DISPATCH_RATE(
      "dispatchRate",
      (ns, n, p) -> ns.getDispatchRateAsync(n).thenApply(v -> (Object) v),
      (ns, n, v) -> ns.setDispatchRateAsync(n, (DispatchRate) v),
      Namespaces::removeDispatchRateAsync),
  SUBSCRIPTION_DISPATCH_RATE(
      "subscriptionDispatchRate",
      (ns, n, p) -> ns.getSubscriptionDispatchRateAsync(n).thenApply(v -> (Object) v),
      (ns, n, v) -> ns.setSubscriptionDispatchRateAsync(n, (DispatchRate) v),
      Namespaces::removeSubscriptionDispatchRateAsync),
  SUBSCRIBE_RATE(
      "subscribeRate",
      (ns, n, p) -> ns.getSubscribeRateAsync(n).thenApply(v -> (Object) v),
      (ns, n, v) -> ns.setSubscribeRateAsync(n, (SubscribeRate) v),
      Namespaces::removeSubscribeRateAsync),
  AUTO_TOPIC_CREATION(
      "autoTopicCreation",
      field(p -> p.autoTopicCreationOverride),
      (ns, n, v) -> ns.setAutoTopicCreationAsync(n, (AutoTopicCreationOverride) v),
      Namespaces::removeAutoTopicCreationAsync),
  AUTO_SUBSCRIPTION_CREATION(
      "autoSubscriptionCreation",
      field(p -> p.autoSubscriptionCreationOverride),
      (ns, n, v) -> ns.setAutoSubscriptionCreationAsync(n, (AutoSubscriptionCreationOverride) v),
      Namespaces::removeAutoSubscriptionCreationAsync),
  DELAYED_DELIVERY(
      "delayedDelivery",
      field(p -> p.delayed_delivery_policies),
      (ns, n, v) -> ns.setDelayedDeliveryMessagesAsync(n, (DelayedDeliveryPolicies) v),
      Namespaces::removeDelayedDeliveryMessagesAsync),
  INACTIVE_TOPIC_POLICIES(
      "inactiveTopicPolicies",
      field(p -> p.inactive_topic_policies),
      (ns, n, v) -> ns.setInactiveTopicPoliciesAsync(n, (InactiveTopicPolicies) v),
      Namespaces::removeInactiveTopicPoliciesAsync),
  ENCRYPTION_REQUIRED(
      "encryptionRequired",
      field(p -> p.encryption_required),
      (ns, n, v) -> ns.setEncryptionRequiredStatusAsync(n, (Boolean) v),
      (ns, n) -> ns.setEncryptionRequiredStatusAsync(n, false)),
  SUBSCRIPTION_EXPIRATION(
      "subscriptionExpirationMinutes",
      field(p -> p.subscription_expiration_time_minutes),
      (ns, n, v) -> ns.setSubscriptionExpirationTimeAsync(n, (Integer) v),
      Namespaces::removeSubscriptionExpirationTimeAsync),
  SUBSCRIPTION_TYPES_ENABLED(
      "subscriptionTypesEnabled",
      field(p -> p.subscription_types_enabled),
      NamespacePolicy::setSubscriptionTypes,
      Namespaces::removeSubscriptionTypesEnabledAsync),
  SUBSCRIPTION_AUTH_MODE(
      "subscriptionAuthMode",
      field(p -> p.subscription_auth_mode),
      (ns, n, v) -> ns.setSubscriptionAuthModeAsync(n, (SubscriptionAuthMode) v),
      (ns, n) -> ns.setSubscriptionAuthModeAsync(n, SubscriptionAuthMode.None)),
  COMPACTION_THRESHOLD(
      "compactionThresholdBytes",
      field(p -> p.compaction_threshold),
      (ns, n, v) -> ns.setCompactionThresholdAsync(n, (Long) v),
      Namespaces::removeCompactionThresholdAsync),
  PROPERTIES(
      "properties",
      field(p -> p.properties),
      NamespacePolicy::setProperties,
      Namespaces::clearPropertiesAsync),
  DISPATCHER_PAUSE_ON_ACK_STATE_PERSISTENT(
      "dispatcherPauseOnAckStatePersistent",
      field(p -> p.dispatcherPauseOnAckStatePersistentEnabled),
      (ns, n, v) ->
          Boolean.TRUE.equals(v)
              ? ns.setDispatcherPauseOnAckStatePersistentAsync(n)
              : ns.removeDispatcherPauseOnAckStatePersistentAsync(n),
      Namespaces::removeDispatcherPauseOnAckStatePersistentAsync);

  /**
   * The fields of {@link Policies} that metadata sync leaves behind, and why. Keys are the field
   * names; docs/metadata-sync.md lists the same.
   */
  public static final Map<String, String> NOT_SYNCED =
      Map.ofEntries(
          Map.entry(
              "auth_policies",
              "synced as grants (namespace, topic and subscription permissions), not as a"
                  + " policy"),
          Map.entry(
              "replication_clusters",
              "names clusters of Pulsar's own geo-replication, which georep replaces"),
          Map.entry(
              "allowed_clusters",
              "cluster names are per cluster; a created namespace is allowed where its tenant is"),
          Map.entry("bundles", "bundle layout is the target's own load balancing"),
          Map.entry(
              "clusterDispatchRate",
              "kept per cluster name; synced as dispatchRate, the value for the source's own cluster"),
          Map.entry(
              "topicDispatchRate", "kept per cluster name; synced as dispatchRate (same value)"),
          Map.entry(
              "subscriptionDispatchRate",
              "kept per cluster name; synced as subscriptionDispatchRate for the source's own cluster"),
          Map.entry(
              "replicatorDispatchRate",
              "throttles Pulsar's own geo-replication, which georep does not use"),
          Map.entry(
              "clusterSubscribeRate",
              "kept per cluster name; synced as subscribeRate for the source's own cluster"),
          Map.entry(
              "publishMaxMessageRate",
              "kept per cluster name; synced as publishRate for the source's own cluster"),
          Map.entry(
              "persistence",
              "ensemble and quorum sizes depend on the target's bookies; a source value may be"
                  + " impossible there"),
          Map.entry("latency_stats_sample_rate", "not used by the broker"),
          Map.entry("deleted", "the broker's own state flag"),
          Map.entry("migrated", "the broker's own state flag (Pulsar's cluster migration)"),
          Map.entry(
              "offload_threshold",
              "tiered storage (buckets, credentials) is configured per cluster"),
          Map.entry(
              "offload_threshold_in_seconds",
              "tiered storage (buckets, credentials) is configured per cluster"),
          Map.entry(
              "offload_deletion_lag_ms",
              "tiered storage (buckets, credentials) is configured per cluster"),
          Map.entry(
              "offload_policies",
              "tiered storage (buckets, credentials) is configured per cluster"),
          Map.entry(
              "schema_auto_update_compatibility_strategy",
              "deprecated; schemaCompatibilityStrategy supersedes it"),
          Map.entry(
              "resource_group_name",
              "resource groups are cluster-wide objects that georep does not create"),
          Map.entry("entryFilters", "names broker plugins, which are installed per cluster"));

  private static final Policies DEFAULTS = new Policies();

  private final String policyName;
  private final Reader reader;
  private final Setter setter;
  private final Remover remover;

  NamespacePolicy(String policyName, Reader reader, Setter setter, Remover remover) {
    this.policyName = policyName;
    this.reader = reader;
    this.setter = setter;
    this.remover = remover;
  }

  /** The name plans and {@code --overwrite} use. */
  public String policyName() {
    return policyName;
  }

  /** The policy with this name. */
  public static NamespacePolicy named(String policyName) {
    for (NamespacePolicy policy : values()) {
      if (policy.policyName.equals(policyName)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("no namespace policy named " + policyName);
  }

  /**
   * The namespace's own value, or null when it has none (the broker's default applies): a value
   * equal to that of a fresh {@link Policies} or an empty collection counts as none.
   */
  CompletableFuture<Object> read(Namespaces namespaces, String namespace, Policies policies) {
    return reader
        .read(namespaces, namespace, policies)
        .thenApply(
            value -> {
              if (value == null || isEmpty(value)) {
                return null;
              }
              if (reader instanceof FieldReader field
                  && value.equals(field.extract().apply(DEFAULTS))) {
                return null;
              }
              return value;
            });
  }

  CompletableFuture<Void> set(Namespaces namespaces, String namespace, Object value) {
    return setter.set(namespaces, namespace, value);
  }

  CompletableFuture<Void> remove(Namespaces namespaces, String namespace) {
    return remover.remove(namespaces, namespace);
  }

  /** Every field of {@link Policies} this enum reads. */
  static List<String> policiesFieldsRead() {
    List<String> fields = new ArrayList<>();
    fields.addAll(
        List.of(
            "retention_policies",
            "message_ttl_in_seconds",
            "backlog_quota_map",
            "deduplicationEnabled",
            "deduplicationSnapshotIntervalSeconds",
            "schema_compatibility_strategy",
            "schema_validation_enforced",
            "is_allow_auto_update_schema",
            "max_producers_per_topic",
            "max_consumers_per_topic",
            "max_consumers_per_subscription",
            "max_unacked_messages_per_consumer",
            "max_unacked_messages_per_subscription",
            "max_subscriptions_per_topic",
            "max_topics_per_namespace",
            "autoTopicCreationOverride",
            "autoSubscriptionCreationOverride",
            "delayed_delivery_policies",
            "inactive_topic_policies",
            "encryption_required",
            "subscription_expiration_time_minutes",
            "subscription_types_enabled",
            "subscription_auth_mode",
            "compaction_threshold",
            "properties",
            "dispatcherPauseOnAckStatePersistentEnabled"));
    return fields;
  }

  private static boolean isEmpty(Object value) {
    return value instanceof Map<?, ?> map && map.isEmpty()
        || value instanceof java.util.Collection<?> collection && collection.isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> setBacklogQuotas(
      Namespaces namespaces, String namespace, Object value) {
    Map<BacklogQuota.BacklogQuotaType, BacklogQuota> quotas =
        (Map<BacklogQuota.BacklogQuotaType, BacklogQuota>) value;
    List<CompletableFuture<Void>> sets = new ArrayList<>();
    for (BacklogQuota.BacklogQuotaType type : BacklogQuota.BacklogQuotaType.values()) {
      BacklogQuota quota = quotas.get(type);
      sets.add(
          quota == null
              ? namespaces.removeBacklogQuotaAsync(namespace, type)
              : namespaces.setBacklogQuotaAsync(namespace, quota, type));
    }
    return CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<Void> removeBacklogQuotas(
      Namespaces namespaces, String namespace) {
    return setBacklogQuotas(namespaces, namespace, Map.of());
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> setSubscriptionTypes(
      Namespaces namespaces, String namespace, Object value) {
    // Policies holds the names; the setter takes the enum.
    Set<SubscriptionType> types =
        ((Set<Object>) value)
            .stream()
                .map(t -> SubscriptionType.valueOf(t.toString()))
                .collect(java.util.stream.Collectors.toSet());
    return namespaces.setSubscriptionTypesEnabledAsync(namespace, types);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> setProperties(
      Namespaces namespaces, String namespace, Object value) {
    return namespaces.setPropertiesAsync(namespace, (Map<String, String>) value);
  }

  private static Reader field(Function<Policies, Object> extract) {
    return new FieldReader(extract);
  }

  interface Reader {
    CompletableFuture<Object> read(Namespaces namespaces, String namespace, Policies policies);
  }

  /** Reads a field of the namespace's {@link Policies}, without a request of its own. */
  private record FieldReader(Function<Policies, Object> extract) implements Reader {
    @Override
    public CompletableFuture<Object> read(
        Namespaces namespaces, String namespace, Policies policies) {
      return CompletableFuture.completedFuture(extract.apply(policies));
    }
  }

  interface Setter {
    CompletableFuture<Void> set(Namespaces namespaces, String namespace, Object value);
  }

  interface Remover {
    CompletableFuture<Void> remove(Namespaces namespaces, String namespace);
  }
}
