package io.georep.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a link names its target topics: source namespaces may be renamed, and local names may gain a
 * prefix and a suffix. Several source namespaces may map to one target namespace.
 *
 * @param namespaces source {@code tenant/namespace} to target {@code tenant/namespace}; a namespace
 *     not listed keeps its name
 * @param topicPrefix put before the local name, "" by default
 * @param topicSuffix put after the local name (before a {@code -partition-N}), "" by default
 */
public record MappingConfig(
    Map<String, String> namespaces, String topicPrefix, String topicSuffix) {

  public MappingConfig {
    namespaces = Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(topicSuffix, "topicSuffix");
  }

  /** Every name stays as it is. */
  public static MappingConfig identity() {
    return new MappingConfig(Map.of(), "", "");
  }

  /** The target namespace of a source namespace, {@code tenant/namespace}. */
  public String mapNamespace(String sourceNamespace) {
    return namespaces.getOrDefault(sourceNamespace, sourceNamespace);
  }

  /**
   * The target topic of a source topic or partition: {@code persistent://<mapped
   * namespace>/<prefix><local><suffix>}, where the {@code -partition-N} of a partition stays at the
   * end.
   *
   * @param sourceTopic {@code persistent://tenant/namespace/local}
   * @throws IllegalArgumentException if {@code sourceTopic} is not a topic name
   */
  public String mapTopic(String sourceTopic) {
    TopicName source = TopicName.parse(sourceTopic);
    return source.domain()
        + "://"
        + mapNamespace(source.namespaceName())
        + "/"
        + topicPrefix
        + source.baseLocalName()
        + topicSuffix
        + source.partitionSuffix();
  }
}
