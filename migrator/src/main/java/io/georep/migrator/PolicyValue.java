package io.georep.migrator;

import java.util.Objects;

/**
 * The value of one policy as a cluster holds it: its canonical JSON form, which plans compare and
 * print, and the admin API's own object, which the applier hands back to the admin API unchanged.
 * Two values are equal when their JSON is.
 *
 * @param json canonical JSON (object keys sorted), e.g. {@code
 *     {"retentionSizeInMB":100,"retentionTimeInMinutes":60}}
 * @param value the admin API's object (e.g. a {@code RetentionPolicies}); tests may pass the JSON
 */
public record PolicyValue(String json, Object value) {

  public PolicyValue {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(value, "value");
  }

  /** A value known only by its JSON, for tests and plans read back. */
  public static PolicyValue ofJson(String json) {
    return new PolicyValue(json, json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyValue other && json.equals(other.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json;
  }
}
