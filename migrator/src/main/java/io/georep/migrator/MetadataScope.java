package io.georep.migrator;

import io.georep.config.ScopeConfig;
import java.util.List;
import java.util.Set;

/** Which namespaces a link's scope reaches, and which georep never touches. */
final class MetadataScope {
  /** Pulsar's own tenant and namespace: never synced. */
  static final Set<String> SYSTEM_TENANTS = Set.of("pulsar");

  static final Set<String> SYSTEM_NAMESPACES = Set.of("public/functions");

  private MetadataScope() {}

  /** Whether topics of this namespace can be in scope (and so the namespace is synced). */
  static boolean coversNamespace(ScopeConfig scope, String namespace) {
    if (SYSTEM_NAMESPACES.contains(namespace)
        || SYSTEM_TENANTS.contains(MetadataPlanner.tenantOf(namespace))) {
      return false;
    }
    if (scope.wholeCluster()) {
      return true;
    }
    if (!scope.namespaces().isEmpty()) {
      return scope.namespaces().contains(namespace);
    }
    return explicitNamespaces(scope).contains(namespace);
  }

  /** The namespaces a scope lists, or those of the topics it lists; empty for the whole cluster. */
  static List<String> explicitNamespaces(ScopeConfig scope) {
    if (!scope.namespaces().isEmpty()) {
      return scope.namespaces();
    }
    return scope.topics().stream()
        .map(t -> t.substring(t.indexOf("://") + 3, t.lastIndexOf('/')))
        .distinct()
        .sorted()
        .toList();
  }
}
