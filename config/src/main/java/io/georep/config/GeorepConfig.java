package io.georep.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of one georep daemon: the clusters it can reach, where it keeps its
 * state, where it serves HTTP, and the links it runs. Built by {@link ConfigLoader}, which
 * guarantees that every link names defined clusters; tests may construct it directly.
 *
 * @param clusters the clusters by name, in the order of the file
 * @param state where the daemon keeps its RocksDB store
 * @param http where the daemon serves metrics, health and status
 * @param limits limits of the whole daemon, over every link
 * @param links the links, in the order of the file
 */
public record GeorepConfig(
    Map<String, ClusterConfig> clusters,
    StateConfig state,
    HttpConfig http,
    LimitsConfig limits,
    List<LinkConfig> links) {

  public GeorepConfig {
    clusters = Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(limits, "limits");
    links = List.copyOf(links);
  }

  /** The link with this name, if there is one. */
  public Optional<LinkConfig> link(String name) {
    return links.stream().filter(link -> link.name().equals(name)).findFirst();
  }
}
