package io.georep.migrator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one cluster holds of the metadata georep syncs, as read at one moment: tenants, namespaces
 * with their policies and grants, topics with their partition counts, topic-level policies, grants,
 * subscriptions and schemas. Names are the cluster's own (not mapped). Every map is sorted by name,
 * so plans and their output come out in a stable order.
 *
 * @param tenants by tenant name
 * @param namespaces by {@code tenant/namespace}
 * @param topics by full name ({@code persistent://tenant/namespace/local}), partitioned topics by
 *     their base name, never by their partitions
 */
public record MetadataSnapshot(
    Map<String, Tenant> tenants, Map<String, Namespace> namespaces, Map<String, Topic> topics) {

  public MetadataSnapshot {
    tenants = sorted(tenants);
    namespaces = sorted(namespaces);
    topics = sorted(topics);
  }

  /** A snapshot of a cluster that holds none of these objects. */
  public static MetadataSnapshot empty() {
    return new MetadataSnapshot(Map.of(), Map.of(), Map.of());
  }

  /**
   * A tenant.
   *
   * @param adminRoles the roles that administer it
   * @param allowedClusters the (Pulsar) cluster names it may use
   */
  public record Tenant(String name, Set<String> adminRoles, Set<String> allowedClusters) {
    public Tenant {
      Objects.requireNonNull(name, "name");
      adminRoles = Collections.unmodifiableSet(new TreeSet<>(adminRoles));
      allowedClusters = Collections.unmodifiableSet(new TreeSet<>(allowedClusters));
    }
  }

  /**
   * A namespace.
   *
   * @param name {@code tenant/namespace}
   * @param policies the policies set on it, by the names of {@link NamespacePolicy}; a policy that
   *     is not set (the broker's default applies) is absent
   * @param permissions each role's granted actions ({@code produce}, {@code consume}, …)
   * @param subscriptionPermissions for each subscription name that has some, the roles allowed to
   *     use it (Pulsar keeps them per namespace); a name without roles is absent
   */
  public record Namespace(
      String name,
      Map<String, PolicyValue> policies,
      Map<String, Set<String>> permissions,
      Map<String, Set<String>> subscriptionPermissions) {
    public Namespace {
      Objects.requireNonNull(name, "name");
      policies = sorted(policies);
      permissions = sortedGrants(permissions);
      Map<String, Set<String>> nonEmpty = new TreeMap<>(subscriptionPermissions);
      nonEmpty.values().removeIf(Set::isEmpty);
      subscriptionPermissions = sortedGrants(nonEmpty);
    }

    /** A namespace without subscription permissions. */
    public Namespace(
        String name, Map<String, PolicyValue> policies, Map<String, Set<String>> permissions) {
      this(name, policies, permissions, Map.of());
    }

    public String tenant() {
      return name.substring(0, name.indexOf('/'));
    }
  }

  /**
   * A topic.
   *
   * @param name the full name; of a partitioned topic, its base name
   * @param partitions the partition count, 0 for a non-partitioned topic
   * @param policies topic-level policies set on it, by the names of {@link TopicPolicy}
   * @param permissions each role's actions granted on this topic (not those of its namespace)
   * @param subscriptions the names of its subscriptions
   * @param schemas every schema version, oldest first; empty when it has no schema
   */
  public record Topic(
      String name,
      int partitions,
      Map<String, PolicyValue> policies,
      Map<String, Set<String>> permissions,
      Set<String> subscriptions,
      List<SchemaVersion> schemas) {
    public Topic {
      Objects.requireNonNull(name, "name");
      if (partitions < 0) {
        throw new IllegalArgumentException("negative partition count for " + name);
      }
      policies = sorted(policies);
      permissions = sortedGrants(permissions);
      subscriptions = Collections.unmodifiableSet(new TreeSet<>(subscriptions));
      schemas = List.copyOf(schemas);
    }

    /** A topic without policies, grants, subscriptions or schema. */
    public static Topic bare(String name, int partitions) {
      return new Topic(name, partitions, Map.of(), Map.of(), Set.of(), List.of());
    }

    public boolean partitioned() {
      return partitions > 0;
    }
  }

  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }

  private static Map<String, Set<String>> sortedGrants(Map<String, Set<String>> grants) {
    Map<String, Set<String>> result = new TreeMap<>();
    grants.forEach(
        (role, actions) -> result.put(role, Collections.unmodifiableSet(new TreeSet<>(actions))));
    return Collections.unmodifiableMap(result);
  }
}
