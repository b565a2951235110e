package io.georep.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code mapping} of a link. */
final class MappingConfigReader {
  private static final List<String> KEYS = List.of("namespaces", "topicPrefix", "topicSuffix");

  private MappingConfigReader() {}

  /**
   * @param scope the link's scope, to check that mapped namespaces are in it; {@code null} when the
   *     scope itself is invalid
   */
  static Optional<MappingConfig> read(NodeReader node, ScopeConfig scope) {
    return node.readFields(
        KEYS,
        fields -> {
          Map<String, String> namespaces =
              fields.optional("namespaces").flatMap(n -> namespaces(n, scope)).orElse(Map.of());
          String prefix =
              fields.optional("topicPrefix").flatMap(MappingConfigReader::affix).orElse("");
          String suffix =
              fields.optional("topicSuffix").flatMap(MappingConfigReader::affix).orElse("");
          return () -> new MappingConfig(namespaces, prefix, suffix);
        });
  }

  private static Optional<Map<String, String>> namespaces(NodeReader node, ScopeConfig scope) {
    return node.entries()
        .map(
            entries -> {
              Map<String, String> namespaces = new LinkedHashMap<>();
              entries.forEach(
                  (source, target) -> {
                    if (!TopicName.isNamespaceName(source)) {
                      target.problem("the key must be tenant/namespace, found '" + source + "'");
                    } else if (scope != null && !scope.coversNamespace(source)) {
                      target.problem("namespace '" + source + "' is not in the scope of this link");
                    } else {
                      target
                          .nonEmptyText()
                          .flatMap(
                              name ->
                                  target.check(
                                      name,
                                      TopicName.isNamespaceName(name),
                                      "must be tenant/namespace"))
                          .ifPresent(name -> namespaces.put(source, name));
                    }
                  });
              return namespaces;
            });
  }

  private static Optional<String> affix(NodeReader node) {
    return node.text()
        .flatMap(text -> node.check(text, !text.contains("/"), "must not contain '/'"));
  }
}
