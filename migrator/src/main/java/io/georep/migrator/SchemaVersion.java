package io.georep.migrator;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One version of a topic's schema, as the schema registry returns it.
 *
 * @param type the schema type, e.g. {@code AVRO}, {@code JSON}, {@code STRING}
 * @param definition the schema data: text for Avro, JSON and Protobuf-native definitions (UTF-8),
 *     otherwise base64 with the prefix {@code base64:}
 * @param properties the schema's properties
 */
public record SchemaVersion(String type, String definition, Map<String, String> properties) {

  public SchemaVersion {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(definition, "definition");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  /** A short form for plans: the type and the first characters of the definition. */
  public String summary() {
    String oneLine = definition.replaceAll("\\s+", " ");
    return type + (oneLine.isEmpty() ? "" : " " + abbreviate(oneLine, 60));
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
