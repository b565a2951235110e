package io.georep.migrator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.admin.TopicPolicies;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.common.policies.data.AutoSubscriptionCreationOverride;
import org.apache.pulsar.common.policies.data.BacklogQuota;
import org.apache.pulsar.common.policies.data.DelayedDeliveryPolicies;
import org.apache.pulsar.common.policies.data.DispatchRate;
import org.apache.pulsar.common.policies.data.InactiveTopicPolicies;
import org.apache.pulsar.common.policies.data.PublishRate;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.SchemaCompatibilityStrategy;
import org.apache.pulsar.common.policies.data.SubscribeRate;

/**
 * The topic-level policies metadata sync copies (the topic's own settings, not those it inherits
 * from its namespace or broker), each with how to read, set and remove it. Topic-level policies
 * need {@code topicLevelPoliciesEnabled} on the broker (the default since Pulsar 3.0).
 *
 * <p>{@link #NOT_SYNCED} lists the topic-level policies left behind, and why.
 */
public enum TopicPolicy {
  RETENTION(
      "retention",
      (tp, t) -> tp.getRetentionAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setRetentionAsync(t, (RetentionPolicies) v),
      TopicPolicies::removeRetentionAsync),
  MESSAGE_TTL(
      "messageTtlSeconds",
      (tp, t) -> blocking(() -> tp.getMessageTTL(t)),
      (tp, t, v) -> blocking(() -> tp.setMessageTTL(t, (Integer) v)),
      (tp, t) -> blocking(() -> tp.removeMessageTTL(t))),
  BACKLOG_QUOTAS(
      "backlogQuotas",
      (tp, t) -> blocking(() -> tp.getBacklogQuotaMap(t)),
      TopicPolicy::setBacklogQuotas,
      (tp, t) -> setBacklogQuotas(tp, t, Map.of())),
  DEDUPLICATION(
      "deduplication",
      (tp, t) -> tp.getDeduplicationStatusAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setDeduplicationStatusAsync(t, (Boolean) v),
      TopicPolicies::removeDeduplicationStatusAsync),
  DEDUPLICATION_SNAPSHOT_INTERVAL(
      "deduplicationSnapshotIntervalSeconds",
      (tp, t) -> tp.getDeduplicationSnapshotIntervalAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setDeduplicationSnapshotIntervalAsync(t, (Integer) v),
      TopicPolicies::removeDeduplicationSnapshotIntervalAsync),
  MAX_PRODUCERS(
      "maxProducers",
      (tp, t) -> tp.getMaxProducersAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxProducersAsync(t, (Integer) v),
      TopicPolicies::removeMaxProducersAsync),
  MAX_CONSUMERS(
      "maxConsumers",
      (tp, t) -> tp.getMaxConsumersAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxConsumersAsync(t, (Integer) v),
      TopicPolicies::removeMaxConsumersAsync),
  MAX_CONSUMERS_PER_SUBSCRIPTION(
      "maxConsumersPerSubscription",
      (tp, t) -> tp.getMaxConsumersPerSubscriptionAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxConsumersPerSubscriptionAsync(t, (Integer) v),
      TopicPolicies::removeMaxConsumersPerSubscriptionAsync),
  MAX_SUBSCRIPTIONS(
      "maxSubscriptionsPerTopic",
      (tp, t) -> tp.getMaxSubscriptionsPerTopicAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxSubscriptionsPerTopicAsync(t, (Integer) v),
      TopicPolicies::removeMaxSubscriptionsPerTopicAsync),
  MAX_UNACKED_ON_CONSUMER(
      "maxUnackedMessagesOnConsumer",
      (tp, t) -> tp.getMaxUnackedMessagesOnConsumerAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxUnackedMessagesOnConsumerAsync(t, (Integer) v),
      TopicPolicies::removeMaxUnackedMessagesOnConsumerAsync),
  MAX_UNACKED_ON_SUBSCRIPTION(
      "maxUnackedMessagesOnSubscription",
      (tp, t) -> tp.getMaxUnackedMessagesOnSubscriptionAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxUnackedMessagesOnSubscriptionAsync(t, (Integer) v),
      TopicPolicies::removeMaxUnackedMessagesOnSubscriptionAsync),
  MAX_MESSAGE_SIZE(
      "maxMessageSize",
      (tp, t) -> tp.getMaxMessageSizeAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setMaxMessageSizeAsync(t, (Integer) v),
      TopicPolicies::removeMaxMessageSizeAsync),
  PUBLISH_RATE(
      "publishRate",
      (tp, t) -> tp.getPublishRateAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setPublishRateAsync(t, (PublishRate) v),
      (tp, t) -> blocking(() -> tp.removePublishRateAsync(t).join())),
  DISPATCH_RATE(
      "dispatchRate",
      (tp, t) -> tp.getDispatchRateAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setDispatchRateAsync(t, (DispatchRate) v),
      (tp, t) -> blocking(() -> tp.removeDispatchRateAsync(t).join())),
  SUBSCRIPTION_DISPATCH_RATE(
      "subscriptionDispatchRate",
      (tp, t) -> tp.getSubscriptionDispatchRateAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setSubscriptionDispatchRateAsync(t, (DispatchRate) v),
      TopicPolicies::removeSubscriptionDispatchRateAsync),
  SUBSCRIBE_RATE(
      "subscribeRate",
      (tp, t) -> tp.getSubscribeRateAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setSubscribeRateAsync(t, (SubscribeRate) v),
      (tp, t) -> blocking(() -> tp.removeSubscribeRateAsync(t).join())),
  DELAYED_DELIVERY(
      "delayedDelivery",
      (tp, t) -> tp.getDelayedDeliveryPolicyAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setDelayedDeliveryPolicyAsync(t, (DelayedDeliveryPolicies) v),
      TopicPolicies::removeDelayedDeliveryPolicyAsync),
  INACTIVE_TOPIC_POLICIES(
      "inactiveTopicPolicies",
      (tp, t) -> tp.getInactiveTopicPoliciesAsync(t).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setInactiveTopicPoliciesAsync(t, (InactiveTopicPolicies) v),
      TopicPolicies::removeInactiveTopicPoliciesAsync),
  SUBSCRIPTION_TYPES_ENABLED(
      "subscriptionTypesEnabled",
      (tp, t) -> tp.getSubscriptionTypesEnabledAsync(t).thenApply(v -> (Object) v),
      TopicPolicy::setSubscriptionTypes,
      TopicPolicies::removeSubscriptionTypesEnabledAsync),
  SCHEMA_COMPATIBILITY_STRATEGY(
      "schemaCompatibilityStrategy",
      (tp, t) -> tp.getSchemaCompatibilityStrategyAsync(t, false).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setSchemaCompatibilityStrategyAsync(t, (SchemaCompatibilityStrategy) v),
      TopicPolicies::removeSchemaCompatibilityStrategyAsync),
  COMPACTION_THRESHOLD(
      "compactionThreshold",
      (tp, t) -> tp.getCompactionThresholdAsync(t, false).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setCompactionThresholdAsync(t, ((Number) v).longValue()),
      TopicPolicies::removeCompactionThresholdAsync),
  AUTO_SUBSCRIPTION_CREATION(
      "autoSubscriptionCreation",
      (tp, t) -> tp.getAutoSubscriptionCreationAsync(t, false).thenApply(v -> (Object) v),
      (tp, t, v) -> tp.setAutoSubscriptionCreationAsync(t, (AutoSubscriptionCreationOverride) v),
      TopicPolicies::removeAutoSubscriptionCreationAsync),
  DISPATCHER_PAUSE_ON_ACK_STATE_PERSISTENT(
      "dispatcherPauseOnAckStatePersistent",
      (tp, t) -> tp.getDispatcherPauseOnAckStatePersistent(t, false).thenApply(v -> (Object) v),
      // A switch that is only ever set on: off is its absence.
      (tp, t, v) ->
          Boolean.TRUE.equals(v)
              ? tp.setDispatcherPauseOnAckStatePersistent(t)
              : tp.removeDispatcherPauseOnAckStatePersistent(t),
      TopicPolicies::removeDispatcherPauseOnAckStatePersistent);

  /** Topic-level policies left behind, and why; docs/metadata-sync.md lists the same. */
  public static final Map<String, String> NOT_SYNCED =
      Map.of(
          "persistence",
          "ensemble and quorum sizes depend on the target's bookies",
          "offloadPolicies",
          "tiered storage is configured per cluster",
          "replicatorDispatchRate",
          "throttles Pulsar's own geo-replication, which georep does not use",
          "replicationClusters",
          "names clusters of Pulsar's own geo-replication",
          "entryFilters",
          "names broker plugins, installed per cluster",
          "resourceGroup",
          "resource groups are cluster-wide objects that georep does not create");

  private final String policyName;
  private final Reader reader;
  private final Setter setter;
  private final Remover remover;

  TopicPolicy(String policyName, Reader reader, Setter setter, Remover remover) {
    this.policyName = policyName;
    this.reader = reader;
    this.setter = setter;
    this.remover = remover;
  }

  public String policyName() {
    return policyName;
  }

  public static TopicPolicy named(String policyName) {
    for (TopicPolicy policy : values()) {
      if (policy.policyName.equals(policyName)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("no topic policy named " + policyName);
  }

  /** The topic's own value, or null when it has none (an empty collection counts as none). */
  CompletableFuture<Object> read(TopicPolicies policies, String topic) {
    return reader
        .read(policies, topic)
        .thenApply(
            value ->
                value instanceof Map<?, ?> map && map.isEmpty()
                        || value instanceof Collection<?> c && c.isEmpty()
                    ? null
                    : value);
  }

  CompletableFuture<Void> set(TopicPolicies policies, String topic, Object value) {
    return setter.set(policies, topic, value);
  }

  CompletableFuture<Void> remove(TopicPolicies policies, String topic) {
    return remover.remove(policies, topic);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> setBacklogQuotas(
      TopicPolicies policies, String topic, Object value) {
    Map<BacklogQuota.BacklogQuotaType, BacklogQuota> quotas =
        (Map<BacklogQuota.BacklogQuotaType, BacklogQuota>) value;
    return blocking(
        () -> {
          for (BacklogQuota.BacklogQuotaType type : BacklogQuota.BacklogQuotaType.values()) {
            BacklogQuota quota = quotas.get(type);
            if (quota == null) {
              policies.removeBacklogQuota(topic, type);
            } else {
              policies.setBacklogQuota(topic, quota, type);
            }
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> setSubscriptionTypes(
      TopicPolicies policies, String topic, Object value) {
    Set<SubscriptionType> types = new java.util.HashSet<>();
    ((Collection<Object>) value).forEach(t -> types.add(SubscriptionType.valueOf(t.toString())));
    return policies.setSubscriptionTypesEnabledAsync(topic, types);
  }

  /**
   * The admin API offers some topic policies only as blocking calls; they run on threads of their
   * own, not the common pool, which has a single thread on a two-core machine.
   */
  private static <T> CompletableFuture<T> blocking(AdminCall<T> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return call.call();
          } catch (PulsarAdminException e) {
            throw new CompletionException(e);
          }
        },
        BLOCKING_CALLS);
  }

  private static final java.util.concurrent.ExecutorService BLOCKING_CALLS =
      java.util.concurrent.Executors.newFixedThreadPool(
          8,
          runnable -> {
            Thread thread = new Thread(runnable, "georep-topic-policies");
            thread.setDaemon(true);
            return thread;
          });

  private static CompletableFuture<Void> blocking(AdminAction action) {
    return blocking(
        () -> {
          action.run();
          return null;
        });
  }

  @FunctionalInterface
  private interface AdminCall<T> {
    T call() throws PulsarAdminException;
  }

  @FunctionalInterface
  private interface AdminAction {
    void run() throws PulsarAdminException;
  }

  interface Reader {
    CompletableFuture<Object> read(TopicPolicies policies, String topic);
  }

  interface Setter {
    CompletableFuture<Void> set(TopicPolicies policies, String topic, Object value);
  }

  interface Remover {
    CompletableFuture<Void> remove(TopicPolicies policies, String topic);
  }

  static List<String> names() {
    List<String> names = new ArrayList<>();
    for (TopicPolicy policy : values()) {
      names.add(policy.policyName);
    }
    return names;
  }
}
