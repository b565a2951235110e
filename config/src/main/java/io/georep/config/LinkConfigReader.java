package io.georep.config;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads the entries of {@code links}, checking each against the defined clusters and the links read
 * before it: names are unique, and no two links carry the same source topic to the same target
 * cluster (one sync task per object, as Pulsar's geo-replication has it; two would write each
 * message twice and race on the target's metadata and subscriptions).
 */
final class LinkConfigReader {
  private static final List<String> KEYS =
      List.of(
          "name",
          "source",
          "target",
          "scope",
          "mapping",
          "startAt",
          "deduplication",
          "createTargetTopics",
          "metadataSync",
          "metadataSyncInterval",
          "discoveryInterval",
          "subscriptionSync",
          "forwarding",
          "limits");
  private static final List<String> LIMIT_KEYS =
      List.of(
          "inFlightMessages",
          "inFlightBytes",
          "partitionInFlightMessages",
          "partitionInFlightBytes",
          "messagesPerSecond",
          "bytesPerSecond");
  private static final List<String> SUBSCRIPTION_SYNC_KEYS = List.of("interval", "enabled");
  private static final List<String> DEDUPLICATION = List.of("enable", "leave");
  private static final List<String> METADATA_SYNC = List.of("off", "once", "continuous");
  private static final List<String> FORWARDING = List.of("entries", "messages");
  private static final String UNLIMITED = "must not be negative (0 means unlimited)";

  private final List<String> clusters;
  private final Map<String, String> linkByName = new HashMap<>();
  private final List<ReadLink> readLinks = new ArrayList<>();

  /** A link read cleanly, with the node of its scope to report an overlap at. */
  private record ReadLink(LinkConfig link, NodeReader scope) {}

  /**
   * @param clusters the names of the defined clusters, in the order of the file
   */
  LinkConfigReader(List<String> clusters) {
    this.clusters = List.copyOf(clusters);
  }

  Optional<LinkConfig> read(NodeReader node) {
    Optional<ReadLink> link = node.readFields(KEYS, fields -> read(node.path(), fields));
    link.ifPresent(this::checkOverlaps);
    return link.map(ReadLink::link);
  }

  private void checkOverlaps(ReadLink later) {
    LinkConfig link = later.link();
    for (ReadLink earlier : readLinks) {
      LinkConfig other = earlier.link();
      if (!other.source().equals(link.source()) || !other.target().equals(link.target())) {
        continue;
      }
      other
          .scope()
          .sharedWith(link.scope())
          .ifPresent(
              shared ->
                  later
                      .scope()
                      .problem(
                          "overlaps "
                              + earlier.scope().path()
                              + " (line "
                              + earlier.scope().line()
                              + "): both carry "
                              + shared
                              + " from "
                              + link.source()
                              + " to "
                              + link.target()
                              + ", and each topic needs exactly one link; merge the two links"
                              + " into one, or split their scopes so that no topic is in both"
                              + (other.scope().hasPatterns() || link.scope().hasPatterns()
                                  ? " (include and exclude patterns are not taken to keep"
                                      + " namespaces apart; list topics to rely on them)"
                                  : "")));
    }
    readLinks.add(later);
  }

  private Supplier<ReadLink> read(String linkPath, Fields fields) {
    String name = fields.required("name").flatMap(n -> name(n, linkPath)).orElse(null);
    String source = fields.required("source").flatMap(this::cluster).orElse(null);
    Optional<NodeReader> targetNode = fields.required("target");
    String target = targetNode.flatMap(this::cluster).orElse(null);
    if (source != null && source.equals(target)) {
      targetNode.orElseThrow().problem("must differ from source " + targetNode.get().shown());
    }
    Optional<NodeReader> scopeNode = fields.required("scope");
    ScopeConfig scope = scopeNode.flatMap(ScopeConfigReader::read).orElse(null);
    MappingConfig mapping =
        fields
            .optional("mapping")
            .flatMap(n -> MappingConfigReader.read(n, scope))
            .orElse(MappingConfig.identity());
    StartPosition startAt =
        fields
            .optional("startAt")
            .flatMap(n -> n.parse("startAt", LinkConfigReader::startPosition))
            .orElse(new StartPosition.Earliest());
    LinkOptions options = options(fields);
    return () ->
        new ReadLink(
            new LinkConfig(name, source, target, scope, mapping, startAt, options),
            scopeNode.orElseThrow());
  }

  private Optional<String> name(NodeReader node, String linkPath) {
    return node.nonEmptyText()
        .flatMap(name -> node.check(name, Names.isValid(name), "a link name " + Names.RULE))
        .flatMap(
            name -> {
              String first = linkByName.putIfAbsent(name, linkPath);
              if (first != null) {
                node.problem("duplicate link name " + node.shown() + " (also " + first + ")");
                return Optional.empty();
              }
              return Optional.of(name);
            });
  }

  private Optional<String> cluster(NodeReader node) {
    return node.nonEmptyText()
        .flatMap(
            name -> {
              if (clusters.contains(name)) {
                return Optional.of(name);
              }
              node.problem(
                  "unknown cluster "
                      + node.shown()
                      + (clusters.isEmpty()
                          ? " (no clusters are defined)"
                          : " (known: " + String.join(", ", clusters) + ")"));
              return Optional.empty();
            });
  }

  /** {@code earliest}, {@code latest} or an ISO-8601 instant with an offset. */
  static StartPosition startPosition(String text) {
    String trimmed = text.strip();
    if (trimmed.equalsIgnoreCase("earliest")) {
      return new StartPosition.Earliest();
    }
    if (trimmed.equalsIgnoreCase("latest")) {
      return new StartPosition.Latest();
    }
    try {
      return new StartPosition.AtTimestamp(OffsetDateTime.parse(trimmed).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "use earliest, latest or an ISO-8601 instant such as 2026-11-25T00:00:00Z");
    }
  }

  private static LinkOptions options(Fields fields) {
    LinkOptions defaults = LinkOptions.defaults();
    Optional<Fields> limits = fields.optional("limits").flatMap(n -> n.fields(LIMIT_KEYS));
    Optional<Fields> subscriptionSync =
        fields.optional("subscriptionSync").flatMap(n -> n.fields(SUBSCRIPTION_SYNC_KEYS));
    return new LinkOptions(
        fields
            .optional("discoveryInterval")
            .flatMap(LinkConfigReader::interval)
            .orElse(defaults.discoveryInterval()),
        limit(limits, "inFlightMessages")
            .flatMap(n -> n.integer().flatMap(v -> inFlight(n, v, Integer.MAX_VALUE)))
            .map(Long::intValue)
            .orElse(defaults.inFlightMessages()),
        limit(limits, "inFlightBytes")
            .flatMap(
                n -> n.parse("size", Sizes::parse).flatMap(v -> inFlight(n, v, Long.MAX_VALUE)))
            .orElse(defaults.inFlightBytes()),
        limit(limits, "partitionInFlightMessages")
            .flatMap(n -> n.integer().flatMap(v -> inFlight(n, v, Integer.MAX_VALUE)))
            .map(Long::intValue)
            .orElse(defaults.partitionInFlightMessages()),
        limit(limits, "partitionInFlightBytes")
            .flatMap(
                n -> n.parse("size", Sizes::parse).flatMap(v -> inFlight(n, v, Long.MAX_VALUE)))
            .orElse(defaults.partitionInFlightBytes()),
        limit(limits, "messagesPerSecond")
            .flatMap(n -> n.integer().flatMap(v -> n.check(v, v >= 0, UNLIMITED)))
            .orElse(defaults.messagesPerSecond()),
        limit(limits, "bytesPerSecond")
            .flatMap(n -> n.parse("size", Sizes::parse).flatMap(v -> n.check(v, v >= 0, UNLIMITED)))
            .orElse(defaults.bytesPerSecond()),
        fields
            .optional("deduplication")
            .flatMap(n -> n.choice(DEDUPLICATION))
            .map("enable"::equals)
            .orElse(defaults.enableTargetDeduplication()),
        fields
            .optional("createTargetTopics")
            .flatMap(NodeReader::bool)
            .orElse(defaults.createTargetTopics()),
        fields
            .optional("metadataSync")
            .flatMap(n -> n.choice(METADATA_SYNC))
            .map(mode -> MetadataSyncMode.valueOf(mode.toUpperCase(Locale.ROOT)))
            .orElse(defaults.metadataSync()),
        subscriptionSync
            .flatMap(sync -> sync.optional("interval"))
            .flatMap(LinkConfigReader::interval)
            .orElse(defaults.subscriptionSyncInterval()),
        subscriptionSync
            .map(sync -> sync.optional("enabled").flatMap(NodeReader::bool).orElse(true))
            .orElse(defaults.subscriptionSync()),
        fields
            .optional("metadataSyncInterval")
            .flatMap(LinkConfigReader::interval)
            .orElse(defaults.metadataSyncInterval()),
        fields
            .optional("forwarding")
            .flatMap(n -> n.choice(FORWARDING))
            .map(mode -> Forwarding.valueOf(mode.toUpperCase(Locale.ROOT)))
            .orElse(defaults.forwarding()));
  }

  private static Optional<NodeReader> limit(Optional<Fields> limits, String key) {
    return limits.flatMap(fields -> fields.optional(key));
  }

  private static Optional<Long> inFlight(NodeReader node, long value, long max) {
    return node.check(value, value >= 1 && value <= max, "must be between 1 and " + max);
  }

  private static Optional<Duration> interval(NodeReader node) {
    return node.parse("duration", Durations::parse)
        .flatMap(d -> node.check(d, !d.isNegative() && !d.isZero(), "must be positive"));
  }
}
