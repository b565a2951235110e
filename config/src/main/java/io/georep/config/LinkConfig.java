package io.georep.config;

import java.util.Objects;

/**
 * A one-way flow of messages from a source cluster to a target cluster.
 *
 * @param name unique among the links; names georep's subscriptions and producers
 * @param source the name of the source cluster (a key of {@link GeorepConfig#clusters()})
 * @param target the name of the target cluster, never the source
 * @param scope which source topics the link replicates
 * @param mapping how source topic names become target topic names
 * @param startAt where a new georep subscription starts on a source topic
 * @param options limits, intervals and switches
 */
public record LinkConfig(
    String name,
    String source,
    String target,
    ScopeConfig scope,
    MappingConfig mapping,
    StartPosition startAt,
    LinkOptions options) {

  public LinkConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(startAt, "startAt");
    Objects.requireNonNull(options, "options");
  }
}
