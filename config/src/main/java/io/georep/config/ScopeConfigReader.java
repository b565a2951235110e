package io.georep.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the {@code scope} of a link. */
final class ScopeConfigReader {
  private static final List<String> KEYS =
      List.of("cluster", "namespaces", "topics", "include", "exclude");

  private ScopeConfigReader() {}

  static Optional<ScopeConfig> read(NodeReader node) {
    return node.readFields(
        KEYS,
        fields -> {
          boolean wholeCluster = fields.optional("cluster").flatMap(NodeReader::bool).orElse(false);
          List<String> namespaces =
              fields
                  .optional("namespaces")
                  .flatMap(n -> n.nonEmptyListOf("namespace", ScopeConfigReader::namespace))
                  .orElse(List.of());
          List<String> topics =
              fields
                  .optional("topics")
                  .flatMap(n -> n.nonEmptyListOf("topic", ScopeConfigReader::topic))
                  .orElse(List.of());
          List<Pattern> include = patterns(fields, "include");
          List<Pattern> exclude = patterns(fields, "exclude");
          checkChoice(node, fields, wholeCluster);
          return () -> new ScopeConfig(wholeCluster, namespaces, topics, include, exclude);
        });
  }

  private static void checkChoice(NodeReader node, Fields fields, boolean wholeCluster) {
    List<String> chosen = new ArrayList<>();
    if (wholeCluster) {
      chosen.add("cluster");
    }
    for (String key : List.of("namespaces", "topics")) {
      if (fields.has(key)) {
        chosen.add(key);
      }
    }
    if (chosen.isEmpty()) {
      node.problem(
          "choose what to replicate: cluster: true, namespaces: [tenant/namespace, ...]"
              + " or topics: [...]");
    } else if (chosen.size() > 1) {
      node.problem(
          "choose only one of cluster, namespaces or topics, found " + String.join(", ", chosen));
    }
  }

  private static Optional<String> namespace(NodeReader node) {
    return node.nonEmptyText()
        .flatMap(
            name -> node.check(name, TopicName.isNamespaceName(name), "must be tenant/namespace"));
  }

  private static Optional<String> topic(NodeReader node) {
    return node.parse(
        "topic name",
        text -> {
          TopicName topic = TopicName.parse(text.strip());
          if (!topic.isPersistent()) {
            throw new IllegalArgumentException("only persistent topics can be replicated");
          }
          return topic.fullName();
        });
  }

  private static List<Pattern> patterns(Fields fields, String key) {
    return fields
        .optional(key)
        .flatMap(n -> n.listOf(item -> item.parse("regular expression", ScopeConfigReader::regex)))
        .orElse(List.of());
  }

  /** A pattern that compiles and has no shape known to backtrack catastrophically. */
  private static Pattern regex(String text) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      String where = e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
      throw new IllegalArgumentException(e.getDescription() + where);
    }
    Backtracking.risk(text)
        .ifPresent(
            risk -> {
              throw new IllegalArgumentException(risk);
            });
    return pattern;
  }
}
