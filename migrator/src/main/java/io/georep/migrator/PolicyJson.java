package io.georep.migrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the admin API's policy objects into {@link PolicyValue}s: canonical JSON (properties and
 * map keys sorted, sets sorted) so that equal settings compare equal whichever cluster they came
 * from.
 */
final class PolicyJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private PolicyJson() {}

  /** The value with its canonical JSON; null for null. */
  static PolicyValue of(Object value) {
    if (value == null) {
      return null;
    }
    return new PolicyValue(json(value), value);
  }

  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(sortedCollections(value));
    } catch (JsonProcessingException e) {
      // Every admin API policy class serializes; fall back to its own text rather than fail a plan.
      return String.valueOf(value);
    }
  }

  /** Sets and map keys in a fixed order; enum keys by name. */
  private static Object sortedCollections(Object value) {
    if (value instanceof Collection<?> collection && !(value instanceof java.util.List<?>)) {
      TreeSet<String> sorted = new TreeSet<>();
      collection.forEach(element -> sorted.add(String.valueOf(element)));
      return sorted;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedCollections(v)));
      return sorted;
    }
    return value;
  }
}
