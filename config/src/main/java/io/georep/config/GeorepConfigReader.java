package io.georep.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Reads the top level of a configuration: clusters, state, http, limits and links. */
final class GeorepConfigReader {
  static final String NO_CLUSTERS = "at least one cluster is required";
  static final String NO_LINKS = "at least one link is required";
  private static final List<String> KEYS = List.of("clusters", "state", "http", "limits", "links");
  private static final String LISTEN_EXPECTED = "write host:port, e.g. 127.0.0.1:9464";

  private GeorepConfigReader() {}

  static Optional<GeorepConfig> read(NodeReader root) {
    return root.readFields(KEYS, GeorepConfigReader::read);
  }

  private static Supplier<GeorepConfig> read(Fields fields) {
    Map<String, NodeReader> clusterNodes =
        requiredCollection(fields, "clusters", NO_CLUSTERS, NodeReader::entries, Map::isEmpty)
            .orElse(Map.of());
    Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    clusterNodes.forEach(
        (name, node) -> ClusterConfigReader.read(name, node).ifPresent(c -> clusters.put(name, c)));
    StateConfig state =
        fields.optional("state").flatMap(GeorepConfigReader::state).orElse(StateConfig.defaults());
    HttpConfig http =
        fields.optional("http").flatMap(GeorepConfigReader::http).orElse(HttpConfig.defaults());
    LimitsConfig limits =
        fields
            .optional("limits")
            .flatMap(GeorepConfigReader::limits)
            .orElse(LimitsConfig.defaults());
    LinkConfigReader linkReader = new LinkConfigReader(List.copyOf(clusterNodes.keySet()));
    List<LinkConfig> links =
        requiredCollection(fields, "links", NO_LINKS, NodeReader::items, List::isEmpty)
            .orElse(List.of())
            .stream()
            .map(linkReader::read)
            .flatMap(Optional::stream)
            .toList();
    return () -> new GeorepConfig(clusters, state, http, limits, links);
  }

  /** A mapping or list that must be present and not empty, as {@code read} reads it. */
  private static <C> Optional<C> requiredCollection(
      Fields fields,
      String key,
      String emptyMessage,
      Function<NodeReader, Optional<C>> read,
      Predicate<C> isEmpty) {
    Optional<NodeReader> node = fields.optional(key);
    if (node.isEmpty()) {
      fields.node().problemAt(key, emptyMessage);
      return Optional.empty();
    }
    Optional<C> collection = read.apply(node.get());
    collection.filter(isEmpty).ifPresent(empty -> node.get().problem(emptyMessage));
    return collection;
  }

  private static Optional<StateConfig> state(NodeReader node) {
    return node.fields(List.of("dir", "syncInterval"))
        .flatMap(
            fields -> {
              Optional<java.nio.file.Path> dir =
                  fields
                      .optional("dir")
                      .map(NodeReader::file)
                      .orElse(Optional.of(StateConfig.defaults().dir()));
              Optional<java.time.Duration> sync =
                  fields
                      .optional("syncInterval")
                      .map(
                          n ->
                              n.parse("duration", Durations::parse)
                                  .flatMap(
                                      d ->
                                          n.check(
                                              d,
                                              !d.isNegative() && !d.isZero(),
                                              "must be positive")))
                      .orElse(Optional.of(StateConfig.DEFAULT_SYNC_INTERVAL));
              return dir.flatMap(d -> sync.map(s -> new StateConfig(d, s)));
            });
  }

  private static Optional<LimitsConfig> limits(NodeReader node) {
    return node.fields(List.of("receiveQueueBytes"))
        .flatMap(
            fields ->
                fields
                    .optional("receiveQueueBytes")
                    .map(
                        n ->
                            n.parse("size", Sizes::parse)
                                .flatMap(v -> n.check(v, v > 0, "must be positive, e.g. 8MiB")))
                    .orElse(Optional.of(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES))
                    .map(LimitsConfig::new));
  }

  private static Optional<HttpConfig> http(NodeReader node) {
    return node.readFields(
        List.of("listen", "tokenFile", "tls"),
        fields -> {
          HttpConfig listen =
              fields
                  .optional("listen")
                  .flatMap(n -> n.parse("address", GeorepConfigReader::listen))
                  .orElse(HttpConfig.defaults());
          java.nio.file.Path tokenFile =
              fields.optional("tokenFile").flatMap(NodeReader::readableFile).orElse(null);
          HttpTlsConfig tls =
              fields.optional("tls").flatMap(GeorepConfigReader::httpTls).orElse(null);
          return () -> new HttpConfig(listen.host(), listen.port(), tokenFile, tls);
        });
  }

  /** {@code http.tls}: both files, readable; their content is read when the daemon starts. */
  private static Optional<HttpTlsConfig> httpTls(NodeReader node) {
    return node.readFields(
        List.of("certFile", "keyFile"),
        fields -> {
          java.nio.file.Path cert =
              fields.required("certFile").flatMap(NodeReader::readableFile).orElse(null);
          java.nio.file.Path key =
              fields.required("keyFile").flatMap(NodeReader::readableFile).orElse(null);
          return () -> new HttpTlsConfig(cert, key);
        });
  }

  /** Parses {@code host:port}; an IPv6 host is written in brackets, {@code [::1]:9464}. */
  static HttpConfig listen(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(LISTEN_EXPECTED);
    }
    String host = text.substring(0, colon).strip();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("write an IPv6 address in brackets, e.g. [::1]:9464");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(LISTEN_EXPECTED + " (0.0.0.0 listens on every interface)");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(LISTEN_EXPECTED);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port must be between 0 and 65535");
    }
    return new HttpConfig(host, port);
  }
}
