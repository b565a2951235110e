package io.georep.replicator;

import io.georep.config.PatternTimeoutException;
import io.georep.config.ScopeConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.policies.data.PartitionedTopicStats;
import org.apache.pulsar.common.policies.data.SubscriptionStats;
import org.apache.pulsar.common.policies.data.TopicStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the persistent source topics a link's scope selects, with their partition counts, through
 * the admin API (asynchronously; nothing here blocks). System namespaces and system topics are
 * never in scope. A topic with a v1 name ({@code persistent://tenant/cluster/namespace/topic}) is
 * not replicated: it is listed apart, as skipped, and the others of the link go on. A topic whose
 * patterns cannot be matched in time ({@link ScopeConfig#includes} bounds them, since the matching
 * runs on the admin client's I/O thread) is left out with a warning that names it, once per lister.
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

  /** The topics in scope, sorted by name, and the topics listed that georep cannot replicate. */
  public record Listing(List<SourceTopic> topics, List<SkippedTopic> skipped) {}

  /** A listed topic georep does not replicate, and why (for an operator's warning). */
  public record SkippedTopic(String name, String reason) {}

  /** The kind of event a skipped topic is counted as ({@code georep.events}). */
  public static final String SKIPPED_EVENT = "topic-skipped";

  static final String V1_NAME_REASON =
      "a v1 topic name (persistent://tenant/cluster/namespace/topic); georep replicates only"
          + " persistent://tenant/namespace/topic";

  private static final Pattern PARTITION = Pattern.compile("^(.*)-partition-(\\d+)$");
  private static final String PERSISTENT = "persistent://";
  private static final Set<String> SYSTEM_TENANTS = Set.of("pulsar");
  private static final Set<String> SYSTEM_NAMESPACES = Set.of("public/functions");

  private static final Logger log = LoggerFactory.getLogger(TopicLister.class);

  private final PulsarAdmin admin;
  private final SourceListings listings;
  private final String linkName;
  private final ScopeConfig scope;
  private final Set<String> undecided = ConcurrentHashMap.newKeySet();
  // Topics whose backlog the last round could not read, warned about once until read again.
  private final Set<String> backlogUnread = ConcurrentHashMap.newKeySet();

  /**
   * @param linkName the link whose scope this is, for warnings
   */
  public TopicLister(PulsarAdmin admin, String linkName, ScopeConfig scope) {
    this(admin, SourceListings.of(admin, java.time.Duration.ZERO), linkName, scope);
  }

  /**
   * @param listings where namespaces are listed, and their listings kept for the link's partitions
   * @param linkName the link whose scope this is, for warnings
   */
  public TopicLister(
      PulsarAdmin admin, SourceListings listings, String linkName, ScopeConfig scope) {
    this.admin = admin;
    this.listings = listings;
    this.linkName = linkName;
    this.scope = scope;
  }

  /** The topics in scope, sorted by name; those it skips are left out. */
  public CompletableFuture<List<SourceTopic>> list() {
    return listing().thenApply(Listing::topics);
  }

  /** The topics in scope, sorted by name, and the topics it skips. */
  public CompletableFuture<Listing> listing() {
    return namespaces()
        .thenCompose(
            namespaces ->
                all(namespaces.stream().map(this::listNamespace).toList())
                    .thenApply(
                        listings ->
                            new Listing(
                                listings.stream()
                                    .flatMap(l -> l.topics().stream())
                                    .sorted(Comparator.comparing(SourceTopic::name))
                                    .toList(),
                                listings.stream()
                                    .flatMap(l -> l.skipped().stream())
                                    .sorted(Comparator.comparing(SkippedTopic::name))
                                    .toList())));
  }

  /**
   * georep's cursor backlog per source partition ({@code backlogs}), and the source topics whose
   * stats could not be read, with the reason ({@code unread}): their backlog is unknown this round.
   */
  public record Backlogs(Map<String, Long> backlogs, Map<String, String> unread) {}

  /**
   * georep's cursor backlog per source partition; partitions without the cursor are left out. One
   * request per topic: a partitioned topic's partitions are read together (its partitioned stats,
   * per partition), not one request per partition every round. Never fails: a topic whose stats
   * cannot be read is in {@link Backlogs#unread}, with a warning naming it the first time in a row.
   */
  CompletableFuture<Backlogs> backlogs(Collection<SourceTopic> topics, String subscription) {
    return backlogs(topics, subscription, this::stats);
  }

  private CompletableFuture<Map<String, ? extends TopicStats>> stats(SourceTopic topic) {
    return topic.partitions() == 0
        ? admin.topics().getStatsAsync(topic.name()).thenApply(s -> Map.of(topic.name(), s))
        : admin
            .topics()
            .getPartitionedStatsAsync(topic.name(), true, false, false, false)
            .thenApply(PartitionedTopicStats::getPartitions);
  }

  /** {@link #backlogs(Collection, String)} with the stats of each topic read by {@code statsOf}. */
  CompletableFuture<Backlogs> backlogs(
      Collection<SourceTopic> topics,
      String subscription,
      Function<SourceTopic, CompletableFuture<Map<String, ? extends TopicStats>>> statsOf) {
    Map<String, Long> result = new ConcurrentHashMap<>();
    Map<String, String> unread = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (SourceTopic topic : topics) {
      CompletableFuture<Map<String, ? extends TopicStats>> stats;
      try {
        stats = statsOf.apply(topic);
      } catch (RuntimeException e) {
        stats = CompletableFuture.failedFuture(e);
      }
      reads.add(
          stats.handle(
              (byPartition, error) -> {
                if (error != null) {
                  unread.put(topic.name(), TopicDiscovery.describe(error));
                  return null;
                }
                byPartition.forEach(
                    (partition, partitionStats) -> {
                      SubscriptionStats sub = partitionStats.getSubscriptions().get(subscription);
                      if (sub != null) {
                        result.put(partition, sub.getMsgBacklog());
                      }
                    });
                return null;
              }));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              warnUnread(unread);
              return new Backlogs(Map.copyOf(result), Map.copyOf(unread));
            });
  }

  /** A warning per topic whose backlog cannot be read, the first time in a row. */
  private void warnUnread(Map<String, String> unread) {
    backlogUnread.retainAll(unread.keySet());
    new TreeMap<>(unread)
        .forEach(
            (topic, reason) -> {
              if (backlogUnread.add(topic)) {
                log.warn(
                    "link {}: cannot read georep's backlog of {} on the source ({}); its"
                        + " partitions show a backlog of -1 (unknown) until it can. Replication"
                        + " goes on; check that the source cluster answers topic stats and that"
                        + " georep's role may read them",
                    linkName,
                    topic,
                    reason);
              }
            });
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

  private CompletableFuture<Listing> listNamespace(String namespace) {
    return listings
        .list(namespace)
        .thenApply(listing -> candidates(listing.partitioned(), listing.topics()))
        .thenCompose(
            candidates ->
                withPartitions(candidates.topics())
                    .thenApply(topics -> new Listing(topics, candidates.skipped())));
  }

  /**
   * What a namespace's listing holds: base names in scope (partitioned parents, true, and
   * non-partitioned topics, false), and the topics skipped, each once (not once per partition).
   */
  record Candidates(Map<String, Boolean> topics, List<SkippedTopic> skipped) {}

  /** Sorts the names of a namespace's two listings (partitioned parents, all topics). */
  Candidates candidates(List<String> partitioned, List<String> all) {
    Map<String, Boolean> topics = new HashMap<>();
    Map<String, SkippedTopic> skipped = new TreeMap<>();
    // Partitions of a parent taken or skipped are not looked at again; those of a parent out of
    // scope are (a scope may name one partition).
    Set<String> parents = new HashSet<>();
    for (String topic : partitioned) {
      if (classify(topic, true, topics, skipped)) {
        parents.add(topic);
      }
    }
    for (String topic : all) {
      var m = PARTITION.matcher(topic);
      if (m.matches() && parents.contains(m.group(1))) {
        continue;
      }
      classify(topic, false, topics, skipped);
    }
    return new Candidates(topics, List.copyOf(skipped.values()));
  }

  /** Puts the topic in {@code topics} or {@code skipped}, if either; whether it did. */
  private boolean classify(
      String topic,
      boolean partitioned,
      Map<String, Boolean> topics,
      Map<String, SkippedTopic> skipped) {
    if (!topic.startsWith(PERSISTENT) || localName(topic).startsWith("__")) {
      return false;
    }
    if (isV1Name(topic)) {
      skipped.put(topic, new SkippedTopic(topic, V1_NAME_REASON));
      return true;
    }
    if (isInScope(topic)) {
      topics.put(topic, partitioned);
      return true;
    }
    return false;
  }

  /** Whether a persistent topic's name has four parts, v1's tenant/cluster/namespace/topic. */
  static boolean isV1Name(String topic) {
    return topic.substring(PERSISTENT.length()).split("/", -1).length > 3;
  }

  private static String localName(String topic) {
    return topic.substring(topic.lastIndexOf('/') + 1);
  }

  private boolean isInScope(String topic) {
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
