package io.georep.replicator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The name of the producer that forwards one source partition of one link. The target's
 * deduplication keys on it, so it must be stable across restarts and distinct for every (link,
 * source cluster, source topic): each part is percent-encoded and the parts are joined by {@code
 * ~}, which encoding never leaves in a part, so link {@code a-b} with cluster {@code c} and link
 * {@code a} with cluster {@code b-c} get different names.
 */
final class ProducerNames {

  /** Every georep producer name starts with this. */
  static final String PREFIX = "georep-";

  private ProducerNames() {}

  static String of(String link, String sourceCluster, String sourceTopic) {
    return PREFIX
        + encode(link)
        + "~"
        + encode(sourceCluster)
        + "~"
        + encode(sourceTopic.replaceFirst("^\\w+://", ""));
  }

  private static String encode(String part) {
    // '~' and '-' are left alone by URLEncoder; '~' must not survive inside a part.
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("~", "%7E");
  }
}
