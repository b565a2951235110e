package io.georep.state;

import java.util.Objects;

/**
 * One partition of a source topic, as replicated by one link.
 *
 * @param link the link name; not empty and without {@code '\0'}, which separates it from the topic
 *     in store keys
 * @param topic the full partition name, e.g. {@code persistent://t/ns/orders-partition-0}; not
 *     empty and without {@code '\0'}, which ends it in position-map keys
 */
public record SourcePartition(String link, String topic) {

  public SourcePartition {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(topic, "topic");
    if (link.isEmpty() || link.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "link name must be non-empty and contain no NUL character: '" + link + "'");
    }
    if (topic.isEmpty() || topic.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "topic of link '"
              + link
              + "' must be non-empty and contain no NUL character: '"
              + topic
              + "'");
    }
  }
}
