package io.georep.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which source topics a link replicates: the whole cluster, listed namespaces or listed topics
 * (exactly one of them), narrowed by include and exclude patterns.
 *
 * <p>A pattern matches a topic when it fully matches its local name ({@code orders}), its name
 * within the cluster ({@code sales/eu/orders}) or its full name ({@code
 * persistent://sales/eu/orders}). For a partition ({@code orders-partition-3}) those forms are
 * tried for the partition and for its partitioned topic, so {@code .*-tmp} excludes every partition
 * of {@code x-tmp}.
 *
 * <p>Matching is bounded in time ({@link #MATCH_BUDGET} per topic): validation refuses the pattern
 * shapes known to backtrack catastrophically, and one that slips through must not hold the thread
 * that lists topics (an admin client's I/O thread) for hours.
 *
 * @param wholeCluster whether every namespace of the source cluster is in scope
 * @param namespaces the namespaces in scope, {@code tenant/namespace}
 * @param topics the topics in scope, full names; a name without domain is made {@code
 *     persistent://}
 * @param include if any, a topic must match one of them
 * @param exclude a topic must match none of them
 */
public record ScopeConfig(
    boolean wholeCluster,
    List<String> namespaces,
    List<String> topics,
    List<Pattern> include,
    List<Pattern> exclude) {

  /**
   * How long {@link #includes} may match patterns against one topic name. A sane pattern takes
   * microseconds on a topic name; the budget is wide so that a pause of the JVM never counts as a
   * runaway pattern (a topic that cannot be decided is left out of scope).
   */
  public static final Duration MATCH_BUDGET = Duration.ofMillis(500);

  /**
   * @throws IllegalArgumentException unless exactly one of whole cluster, namespaces or topics is
   *     given, or if a topic is not a persistent topic name
   */
  public ScopeConfig {
    namespaces = List.copyOf(namespaces);
    topics = topics.stream().map(ScopeConfig::persistentTopic).distinct().toList();
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    int chosen =
        (wholeCluster ? 1 : 0) + (namespaces.isEmpty() ? 0 : 1) + (topics.isEmpty() ? 0 : 1);
    if (chosen != 1) {
      throw new IllegalArgumentException(
          "a scope is exactly one of: the whole cluster, namespaces, topics");
    }
  }

  /**
   * Whether a source topic or partition is in scope: it is persistent, it lies in the cluster,
   * namespaces or topics of the scope, some include pattern matches it (or there is none), and no
   * exclude pattern does.
   *
   * @param topicName a topic or partition name, {@code persistent://tenant/namespace/local}
   * @throws IllegalArgumentException if {@code topicName} is not a topic name
   * @throws PatternTimeoutException if matching the patterns took longer than {@link #MATCH_BUDGET}
   */
  public boolean includes(String topicName) {
    TopicName topic = TopicName.parse(topicName);
    long deadline = System.nanoTime() + MATCH_BUDGET.toNanos();
    return topic.isPersistent()
        && inBase(topic)
        && (include.isEmpty() || matchesAny(include, topic, deadline))
        && !matchesAny(exclude, topic, deadline);
  }

  /** Whether topics of this namespace can be in scope. */
  boolean coversNamespace(String namespace) {
    return wholeCluster
        || namespaces.contains(namespace)
        || topics.stream().anyMatch(t -> TopicName.parse(t).namespaceName().equals(namespace));
  }

  /**
   * What this scope and {@code other} would both replicate, named for a message, if anything: the
   * objects of the two scopes overlap counting higher levels (the whole cluster holds every
   * namespace, a namespace every topic in it, a topic its partitions). Include and exclude patterns
   * cannot be proven disjoint in general, so they count only between two lists of topics, where
   * each shared name is checked against both scopes.
   */
  Optional<String> sharedWith(ScopeConfig other) {
    if (wholeCluster || other.wholeCluster) {
      ScopeConfig narrower = wholeCluster ? other : this;
      return Optional.of(narrower.wholeCluster ? "every topic of the cluster" : narrower.objects());
    }
    if (!namespaces.isEmpty() && !other.namespaces.isEmpty()) {
      List<String> shared = namespaces.stream().filter(other.namespaces::contains).toList();
      return named("namespace", shared);
    }
    if (!namespaces.isEmpty() || !other.namespaces.isEmpty()) {
      ScopeConfig byNamespace = namespaces.isEmpty() ? other : this;
      ScopeConfig byTopic = namespaces.isEmpty() ? this : other;
      List<String> shared =
          byTopic.topics.stream()
              .filter(t -> byNamespace.namespaces.contains(TopicName.parse(t).namespaceName()))
              .toList();
      return named("topic", shared);
    }
    List<String> shared = new ArrayList<>();
    for (String mine : topics) {
      for (String theirs : other.topics) {
        sameTopic(mine, theirs)
            .filter(name -> mayInclude(name) && other.mayInclude(name))
            .filter(name -> !shared.contains(name))
            .ifPresent(shared::add);
      }
    }
    return named("topic", shared);
  }

  /** Whether this scope includes the topic, or cannot tell in time. */
  private boolean mayInclude(String topicName) {
    try {
      return includes(topicName);
    } catch (PatternTimeoutException e) {
      return true;
    }
  }

  /** Whether include or exclude patterns narrow this scope. */
  boolean hasPatterns() {
    return !include.isEmpty() || !exclude.isEmpty();
  }

  /** The objects of the scope, for a message: its namespaces or its topics. */
  private String objects() {
    return namespaces.isEmpty()
        ? named("topic", topics).orElseThrow()
        : named("namespace", namespaces).orElseThrow();
  }

  private static Optional<String> named(String kind, List<String> names) {
    if (names.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((names.size() == 1 ? kind : kind + "s") + " " + String.join(", ", names));
  }

  /**
   * The name both topics stand for, if one is the other or a partition of it: the partition's name
   * then, the narrower of the two.
   */
  private static Optional<String> sameTopic(String a, String b) {
    if (a.equals(b) || TopicName.parse(b).partitionedTopic().fullName().equals(a)) {
      return Optional.of(b);
    }
    if (TopicName.parse(a).partitionedTopic().fullName().equals(b)) {
      return Optional.of(a);
    }
    return Optional.empty();
  }

  private boolean inBase(TopicName topic) {
    if (wholeCluster) {
      return true;
    }
    if (!namespaces.isEmpty()) {
      return namespaces.contains(topic.namespaceName());
    }
    return topics.contains(topic.fullName())
        || topics.contains(topic.partitionedTopic().fullName());
  }

  private static boolean matchesAny(List<Pattern> patterns, TopicName topic, long deadline) {
    List<String> forms =
        topic.partitionSuffix().isEmpty()
            ? topic.patternForms()
            : Stream.concat(
                    topic.patternForms().stream(), topic.partitionedTopic().patternForms().stream())
                .toList();
    for (Pattern pattern : patterns) {
      for (String form : forms) {
        try {
          if (pattern.matcher(new DeadlineCharSequence(form, deadline)).matches()) {
            return true;
          }
        } catch (DeadlineCharSequence.Expired e) {
          throw new PatternTimeoutException(topic.fullName(), pattern.pattern(), MATCH_BUDGET);
        }
      }
    }
    return false;
  }

  private static String persistentTopic(String name) {
    TopicName topic = TopicName.parse(name);
    if (!topic.isPersistent()) {
      throw new IllegalArgumentException("only persistent topics can be replicated: " + name);
    }
    return topic.fullName();
  }
}
