package io.georep.replicator;

import io.georep.config.PatternTimeoutException;
import io.georep.config.ScopeConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the persistent source topics a link's scope selects, with their partition counts, through
 * the admin API (asynchronously; nothing here blocks). System namespaces and system topics are
 * never in scope. A topic whose patterns cannot be matched in time ({@link ScopeConfig#includes}
 * bounds them, since the matching runs on the admin client's I/O thread) is left out with a warning
 * that names it, once per lister.
 */
public final class TopicLister {

  /** A source topic: its base name and partition count (0 when it is not partitioned). */
  public record SourceTopic(String name, int partitions) {
    public List<String> partitionNames() {
      if (partitions == 0) {
        return List.of(name);
      }
      List<String> names = new ArrayList<>(partitions);
      for (int i = 0; i < partitions; i++) {
        names.add(name + "-partition-" + i);
      }
      return names;
    }
  }

  private static final Pattern PARTITION = Pattern.compile("^(.*)-partition-(\\d+)$");
  private static final Set<String> SYSTEM_TENANTS = Set.of("pulsar");
  private static final Set<String> SYSTEM_NAMESPACES = Set.of("public/functions");

  private static final Logger log = LoggerFactory.getLogger(TopicLister.class);

  private final PulsarAdmin admin;
  private final String linkName;
  private final ScopeConfig scope;
  private final Set<String> undecided = ConcurrentHashMap.newKeySet();

  /**
   * @param linkName the link whose scope this is, for warnings
   */
  public TopicLister(PulsarAdmin admin, String linkName, ScopeConfig scope) {
    this.admin = admin;
    this.linkName = linkName;
    this.scope = scope;
  }

  /** The topics in scope, sorted by name. */
  public CompletableFuture<List<SourceTopic>> list() {
    return namespaces()
        .thenCompose(
            namespaces ->
                all(namespaces.stream().map(this::listNamespace).toList())
                    .thenApply(
                        lists ->
                            lists.stream()
                                .flatMap(List::stream)
                                .sorted(java.util.Comparator.comparing(SourceTopic::name))
                                .toList()));
  }

  /** georep's cursor backlog per source partition; partitions without the cursor are left out. */
  CompletableFuture<Map<String, Long>> backlogs(
      Collection<String> partitions, String subscription) {
    Map<String, Long> result = new java.util.concurrent.ConcurrentHashMap<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (String partition : partitions) {
      reads.add(
          admin
              .topics()
              .getStatsAsync(partition)
              .thenAccept(
                  stats -> {
                    SubscriptionStats sub = stats.getSubscriptions().get(subscription);
                    if (sub != null) {
                      result.put(partition, sub.getMsgBacklog());
                    }
                  })
              .exceptionally(err -> null));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> result);
  }

  private CompletableFuture<List<String>> namespaces() {
    if (!scope.topics().isEmpty()) {
      return CompletableFuture.completedFuture(
          scope.topics().stream()
              .map(TopicLister::namespaceOf)
              .distinct()
              .collect(Collectors.toList()));
    }
    if (!scope.wholeCluster()) {
      return CompletableFuture.completedFuture(List.copyOf(scope.namespaces()));
    }
    return admin
        .tenants()
        .getTenantsAsync()
        .thenCompose(
            tenants ->
                all(
                    tenants.stream()
                        .filter(t -> !SYSTEM_TENANTS.contains(t))
                        .map(t -> admin.namespaces().getNamespacesAsync(t))
                        .toList()))
        .thenApply(
            lists ->
                lists.stream()
                    .flatMap(List::stream)
                    .filter(ns -> !SYSTEM_NAMESPACES.contains(ns))
                    .sorted()
                    .toList());
  }

  private CompletableFuture<List<SourceTopic>> listNamespace(String namespace) {
    CompletableFuture<List<String>> partitioned =
        admin.topics().getPartitionedTopicListAsync(namespace);
    CompletableFuture<List<String>> all = admin.topics().getListAsync(namespace);
    return partitioned
        .thenCombine(all, (p, a) -> candidates(p, a))
        .thenCompose(this::withPartitions);
  }

  /** Base names in scope: partitioned parents, and non-partitioned topics. */
  Map<String, Boolean> candidates(List<String> partitioned, List<String> all) {
    Map<String, Boolean> result = new HashMap<>();
    Set<String> parents = new LinkedHashSet<>();
    for (String topic : partitioned) {
      if (isCandidate(topic)) {
        parents.add(topic);
        result.put(topic, true);
      }
    }
    for (String topic : all) {
      var m = PARTITION.matcher(topic);
      if (m.matches() && parents.contains(m.group(1))) {
        continue;
      }
      if (isCandidate(topic)) {
        result.put(topic, false);
      }
    }
    return result;
  }

  private boolean isCandidate(String topic) {
    if (!topic.startsWith("persistent://")) {
      return false;
    }
    String local = topic.substring(topic.lastIndexOf('/') + 1);
    if (local.startsWith("__")) {
      return false;
    }
    if (!scope.topics().isEmpty() && !scope.topics().contains(topic)) {
      return false;
    }
    try {
      return scope.includes(topic);
    } catch (PatternTimeoutException e) {
      if (undecided.add(topic)) {
        log.warn("link {}: {} is left out of scope: {}", linkName, topic, e.getMessage());
      }
      return false;
    }
  }

  private CompletableFuture<List<SourceTopic>> withPartitions(Map<String, Boolean> candidates) {
    List<CompletableFuture<SourceTopic>> topics = new ArrayList<>();
    candidates.forEach(
        (name, isPartitioned) ->
            topics.add(
                isPartitioned
                    ? admin
                        .topics()
                        .getPartitionedTopicMetadataAsync(name)
                        .thenApply(meta -> new SourceTopic(name, meta.partitions))
                    : CompletableFuture.completedFuture(new SourceTopic(name, 0))));
    return all(topics);
  }

  static String namespaceOf(String topic) {
    String rest = topic.replaceFirst("^\\w+(-\\w+)?://", "");
    String[] parts = rest.split("/");
    return parts[0] + "/" + parts[1];
  }

  private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }
}
