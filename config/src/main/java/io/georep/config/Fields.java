package io.georep.config;

import java.util.Map;
import java.util.Optional;

/** The known keys of a mapping read by {@link NodeReader#fields}; unknown keys were reported. */
final class Fields {
  private final NodeReader mapping;
  private final Map<String, NodeReader> values;

  Fields(NodeReader mapping, Map<String, NodeReader> values) {
    this.mapping = mapping;
    this.values = values;
  }

  /** The mapping itself. */
  NodeReader node() {
    return mapping;
  }

  /** The value of {@code key}, unless the key is absent or its value empty. */
  Optional<NodeReader> optional(String key) {
    NodeReader value = values.get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  /** The value of {@code key}; reports it when the key is absent or its value empty. */
  Optional<NodeReader> required(String key) {
    NodeReader value = values.get(key);
    if (value == null) {
      mapping.problemAt(key, "missing required key");
      return Optional.empty();
    }
    if (value.isNull()) {
      value.problem("missing value");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** Whether {@code key} has a value. */
  boolean has(String key) {
    return optional(key).isPresent();
  }
}
