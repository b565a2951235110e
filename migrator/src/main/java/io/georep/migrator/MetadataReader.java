package io.georep.migrator;

import io.georep.replicator.AsyncFailures;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.policies.data.AuthAction;
import org.apache.pulsar.common.policies.data.Policies;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link MetadataSnapshot} of chosen namespaces of one cluster through the admin API.
 * Namespaces and tenants that do not exist are left out (a target often lacks them). System topics
 * ({@code __…}) and non-partitioned non-persistent topics (which exist only while in use) are never
 * read.
 */
final class MetadataReader {
  private static final Logger log = LoggerFactory.getLogger(MetadataReader.class);
  private static final Pattern PARTITION = Pattern.compile("^(.*)-partition-(\\d+)$");
  private static final Set<SchemaType> TEXT_SCHEMAS =
      Set.of(SchemaType.AVRO, SchemaType.JSON, SchemaType.PROTOBUF, SchemaType.PROTOBUF_NATIVE);
  static final String BASE64 = "base64:";

  private final PulsarAdmin admin;
  private final ClusterCalls calls;
  private final int parallelism;
  private final SyncProgress progress;
  private final AtomicBoolean topicPoliciesDisabled = new AtomicBoolean();

  MetadataReader(PulsarAdmin admin, ClusterCalls calls, int parallelism, SyncProgress progress) {
    this.admin = admin;
    this.calls = calls;
    this.parallelism = parallelism;
    this.progress = progress;
  }

  /** Every namespace of the cluster, without Pulsar's own. */
  CompletableFuture<List<String>> allNamespaces() {
    return calls
        .call("list its tenants", "super-user", () -> admin.tenants().getTenantsAsync())
        .thenCompose(
            tenants ->
                Bounded.map(
                    tenants.stream()
                        .filter(t -> !MetadataScope.SYSTEM_TENANTS.contains(t))
                        .sorted()
                        .toList(),
                    parallelism,
                    tenant ->
                        calls.call(
                            "list the namespaces of tenant '" + tenant + "'",
                            "tenant admin of '" + tenant + "'",
                            () -> admin.namespaces().getNamespacesAsync(tenant))))
        .thenApply(
            lists ->
                lists.stream()
                    .flatMap(List::stream)
                    .filter(ns -> !MetadataScope.SYSTEM_NAMESPACES.contains(ns))
                    .sorted()
                    .toList());
  }

  /**
   * A snapshot of these namespaces (those that exist), their tenants and the topics in them that
   * {@code topicFilter} accepts.
   *
   * @param extraTenants tenants to read even if none of their namespaces exists
   */
  MetadataSnapshot read(
      List<String> namespaces, Set<String> extraTenants, Predicate<String> topicFilter) {
    Set<String> tenantNames = new TreeSet<>(extraTenants);
    namespaces.forEach(ns -> tenantNames.add(MetadataPlanner.tenantOf(ns)));
    Map<String, MetadataSnapshot.Tenant> tenants = new TreeMap<>();
    Futures.await(Bounded.map(List.copyOf(tenantNames), parallelism, this::readTenant))
        .forEach(
            tenant -> {
              if (tenant != null) {
                tenants.put(tenant.name(), tenant);
              }
            });
    List<NamespaceRead> reads =
        Futures.await(Bounded.map(namespaces, parallelism, ns -> readNamespace(ns, topicFilter)));
    Map<String, MetadataSnapshot.Namespace> namespaceMap = new TreeMap<>();
    List<TopicToRead> topicsToRead = new ArrayList<>();
    for (NamespaceRead read : reads) {
      if (read != null) {
        namespaceMap.put(read.namespace().name(), read.namespace());
        topicsToRead.addAll(read.topics());
      }
    }
    String phase = "read " + calls.cluster();
    progress.started(phase, topicsToRead.size());
    Map<String, MetadataSnapshot.Topic> topics = new TreeMap<>();
    Futures.await(
            Bounded.map(
                topicsToRead,
                parallelism,
                topic ->
                    readTopic(topic)
                        .whenComplete((t, e) -> progress.advanced(phase, topic.name()))))
        .forEach(topic -> topics.put(topic.name(), topic));
    progress.finished(phase);
    return new MetadataSnapshot(tenants, namespaceMap, topics);
  }

  /** The Pulsar name of the cluster the admin client talks to (for tenants' allowed clusters). */
  String ownClusterName(String preferred) {
    List<String> clusters =
        Futures.await(
                calls.call(
                    "list its clusters", "super-user", () -> admin.clusters().getClustersAsync()))
            .stream()
            .filter(c -> !c.equals("global"))
            .toList();
    if (clusters.size() == 1) {
      return clusters.get(0);
    }
    if (clusters.contains(preferred)) {
      return preferred;
    }
    throw new MetadataSyncException(
        calls.cluster(),
        MetadataSyncException.Reason.FAILED,
        "cluster '"
            + calls.cluster()
            + "' knows the clusters "
            + clusters
            + "; georep cannot tell which is its own. Name it '"
            + preferred
            + "' in the georep configuration, as its brokers' clusterName.",
        null);
  }

  private CompletableFuture<MetadataSnapshot.Tenant> readTenant(String tenant) {
    return calls
        .callIfExists(
            "read tenant '" + tenant + "'",
            "super-user or tenant admin of '" + tenant + "'",
            () -> admin.tenants().getTenantInfoAsync(tenant))
        .thenApply(
            (TenantInfo info) ->
                info == null
                    ? null
                    : new MetadataSnapshot.Tenant(
                        tenant, info.getAdminRoles(), info.getAllowedClusters()));
  }

  private record TopicToRead(String name, int partitions, Map<String, Set<String>> permissions) {}

  private record NamespaceRead(MetadataSnapshot.Namespace namespace, List<TopicToRead> topics) {}

  private CompletableFuture<NamespaceRead> readNamespace(
      String namespace, Predicate<String> topicFilter) {
    String tenantAdmin = "tenant admin of '" + MetadataPlanner.tenantOf(namespace) + "'";
    return calls
        .callIfExists(
            "read the policies of namespace " + namespace,
            tenantAdmin,
            () -> admin.namespaces().getPoliciesAsync(namespace))
        .thenCompose(
            policies -> {
              if (policies == null) {
                return CompletableFuture.completedFuture(null);
              }
              CompletableFuture<Map<String, PolicyValue>> values =
                  readNamespacePolicies(namespace, policies);
              CompletableFuture<List<String>> partitioned =
                  calls.call(
                      "list the partitioned topics of namespace " + namespace,
                      tenantAdmin,
                      () -> admin.topics().getPartitionedTopicListAsync(namespace));
              CompletableFuture<List<String>> all =
                  calls.call(
                      "list the topics of namespace " + namespace,
                      tenantAdmin,
                      () -> admin.topics().getListAsync(namespace));
              return CompletableFuture.allOf(values, partitioned, all)
                  .thenApply(
                      v ->
                          new NamespaceRead(
                              new MetadataSnapshot.Namespace(
                                  namespace,
                                  values.join(),
                                  grants(policies.auth_policies.getNamespaceAuthentication()),
                                  policies.auth_policies.getSubscriptionAuthentication()),
                              topics(policies, partitioned.join(), all.join(), topicFilter)));
            });
  }

  private CompletableFuture<Map<String, PolicyValue>> readNamespacePolicies(
      String namespace, Policies policies) {
    Map<String, CompletableFuture<Object>> reads = new LinkedHashMap<>();
    for (NamespacePolicy policy : NamespacePolicy.values()) {
      reads.put(
          policy.policyName(),
          calls.call(
              "read policy " + policy.policyName() + " of namespace " + namespace,
              "tenant admin of '" + MetadataPlanner.tenantOf(namespace) + "'",
              () -> policy.read(admin.namespaces(), namespace, policies)));
    }
    return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, PolicyValue> values = new TreeMap<>();
              reads.forEach(
                  (name, read) -> {
                    PolicyValue value = PolicyJson.of(read.join());
                    if (value != null) {
                      values.put(name, value);
                    }
                  });
              return values;
            });
  }

  /** Base names of the namespace's topics that pass the filter, partitions folded in. */
  private List<TopicToRead> topics(
      Policies policies, List<String> partitioned, List<String> all, Predicate<String> filter) {
    Map<String, Integer> partitionCounts = new TreeMap<>();
    Set<String> parents = new LinkedHashSet<>(partitioned);
    for (String topic : partitioned) {
      partitionCounts.put(topic, -1); // read from the topic's metadata
    }
    for (String topic : all) {
      Matcher partition = PARTITION.matcher(topic);
      if (partition.matches() && parents.contains(partition.group(1))) {
        continue;
      }
      if (topic.startsWith("persistent://")) {
        partitionCounts.put(topic, 0);
      }
    }
    Map<String, Map<String, Set<AuthAction>>> topicGrants =
        policies.auth_policies.getTopicAuthentication();
    List<TopicToRead> result = new ArrayList<>();
    partitionCounts.forEach(
        (topic, partitions) -> {
          if (!MetadataPlanner.isSystemTopic(topic) && filter.test(topic)) {
            result.add(
                new TopicToRead(
                    topic, partitions, grants(topicGrants.getOrDefault(topic, Map.of()))));
          }
        });
    return result;
  }

  private CompletableFuture<MetadataSnapshot.Topic> readTopic(TopicToRead topic) {
    String name = topic.name();
    String tenantAdmin =
        "tenant admin of '" + MetadataPlanner.tenantOf(TopicNames.namespaceOf(name)) + "'";
    CompletableFuture<Integer> partitions =
        topic.partitions() >= 0
            ? CompletableFuture.completedFuture(topic.partitions())
            : calls
                .call(
                    "read the partition count of " + name,
                    tenantAdmin,
                    () -> admin.topics().getPartitionedTopicMetadataAsync(name))
                .thenApply(meta -> meta.partitions);
    boolean persistent = name.startsWith("persistent://");
    CompletableFuture<List<String>> subscriptions =
        persistent
            ? calls.call(
                "list the subscriptions of " + name,
                tenantAdmin,
                () -> admin.topics().getSubscriptionsAsync(name))
            : CompletableFuture.completedFuture(List.of());
    CompletableFuture<List<SchemaInfo>> schemas =
        calls
            .callIfExists(
                "read the schemas of " + name,
                "consume or produce on " + name + ", or " + tenantAdmin,
                () -> admin.schemas().getAllSchemasAsync(name))
            .thenApply(list -> list == null ? List.of() : list);
    CompletableFuture<Map<String, PolicyValue>> policies =
        persistent
            ? readTopicPolicies(name, tenantAdmin)
            : CompletableFuture.completedFuture(Map.of());
    return CompletableFuture.allOf(partitions, subscriptions, schemas, policies)
        .thenApply(
            v ->
                new MetadataSnapshot.Topic(
                    name,
                    partitions.join(),
                    policies.join(),
                    topic.permissions(),
                    new TreeSet<>(subscriptions.join()),
                    schemas.join().stream().map(MetadataReader::schemaVersion).toList()));
  }

  private CompletableFuture<Map<String, PolicyValue>> readTopicPolicies(
      String topic, String permission) {
    if (topicPoliciesDisabled.get()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Map<String, CompletableFuture<Object>> reads = new LinkedHashMap<>();
    for (TopicPolicy policy : TopicPolicy.values()) {
      reads.put(
          policy.policyName(),
          policy
              .read(admin.topicPolicies(), topic)
              .exceptionally(
                  error -> {
                    Throwable cause = AsyncFailures.unwrap(error);
                    // 405: topicLevelPoliciesEnabled=false on this broker; there are none to read.
                    if (cause instanceof PulsarAdminException.NotAllowedException) {
                      if (topicPoliciesDisabled.compareAndSet(false, true)) {
                        log.warn(
                            "cluster '{}' has topic-level policies disabled; none are read there",
                            calls.cluster());
                      }
                      return null;
                    }
                    throw calls.failure(
                        "read topic policy " + policy.policyName() + " of " + topic,
                        permission,
                        cause);
                  }));
    }
    return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, PolicyValue> values = new HashMap<>();
              reads.forEach(
                  (name, read) -> {
                    PolicyValue value = PolicyJson.of(read.join());
                    if (value != null) {
                      values.put(name, value);
                    }
                  });
              return values;
            });
  }

  static SchemaVersion schemaVersion(SchemaInfo info) {
    byte[] data = info.getSchema() == null ? new byte[0] : info.getSchema();
    String definition = null;
    if (TEXT_SCHEMAS.contains(info.getType())) {
      try {
        definition = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString();
      } catch (CharacterCodingException e) {
        definition = null;
      }
    }
    if (definition == null) {
      definition = data.length == 0 ? "" : BASE64 + Base64.getEncoder().encodeToString(data);
    }
    Map<String, String> properties = info.getProperties() == null ? Map.of() : info.getProperties();
    return new SchemaVersion(info.getType().name(), definition, properties);
  }

  private static Map<String, Set<String>> grants(Map<String, Set<AuthAction>> grants) {
    Map<String, Set<String>> result = new TreeMap<>();
    grants.forEach(
        (role, actions) -> {
          Set<String> names = new TreeSet<>();
          actions.forEach(action -> names.add(action.name()));
          result.put(role, names);
        });
    return result;
  }
}
