package io.georep.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits, intervals and switches of one link.
 *
 * @param discoveryInterval how often the link lists the source topics in scope (default 10s)
 * @param inFlightMessages messages of the whole link sent to the target and not yet acknowledged
 *     (default 32000: many small messages in flight; their bytes are bounded below)
 * @param inFlightBytes bytes of the whole link sent and not yet acknowledged (default 12 MiB: what
 *     is in flight is direct memory, and beyond this, next to the receive queues, the daemon's 96
 *     MiB ran out and stalled it)
 * @param partitionInFlightMessages the same bound for each source partition (default 16000)
 * @param partitionInFlightBytes the same bound in bytes for each source partition (default 8 MiB)
 * @param messagesPerSecond rate limit of the link, 0 for none (the default)
 * @param bytesPerSecond rate limit of the link in bytes, 0 for none (the default)
 * @param enableTargetDeduplication whether georep switches deduplication on at the target
 *     namespaces ({@code deduplication: enable}); by default it leaves them as they are
 * @param createTargetTopics whether georep creates missing target topics (default true)
 * @param metadataSync whether and when metadata is copied to the target (default off)
 * @param subscriptionSyncInterval how often subscription positions are translated to the target
 *     (default 10s)
 * @param subscriptionSync whether the daemon translates subscriptions to the target; on when the
 *     link has a {@code subscriptionSync} section (unless it says {@code enabled: false})
 * @param metadataSyncInterval with {@code metadataSync: continuous}, how long after one metadata
 *     sync ends the next one starts (default 1m)
 * @param forwarding whether whole stored entries or single messages are forwarded (default {@link
 *     Forwarding#ENTRIES})
 */
public record LinkOptions(
    Duration discoveryInterval,
    int inFlightMessages,
    long inFlightBytes,
    int partitionInFlightMessages,
    long partitionInFlightBytes,
    long messagesPerSecond,
    long bytesPerSecond,
    boolean enableTargetDeduplication,
    boolean createTargetTopics,
    MetadataSyncMode metadataSync,
    Duration subscriptionSyncInterval,
    boolean subscriptionSync,
    Duration metadataSyncInterval,
    Forwarding forwarding) {

  public LinkOptions {
    requirePositive(discoveryInterval, "discoveryInterval");
    requirePositive(subscriptionSyncInterval, "subscriptionSyncInterval");
    requirePositive(metadataSyncInterval, "metadataSyncInterval");
    Objects.requireNonNull(metadataSync, "metadataSync");
    Objects.requireNonNull(forwarding, "forwarding");
    if (inFlightMessages < 1
        || inFlightBytes < 1
        || partitionInFlightMessages < 1
        || partitionInFlightBytes < 1) {
      throw new IllegalArgumentException("in-flight limits must be at least 1");
    }
    if (messagesPerSecond < 0 || bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate limits must not be negative");
    }
  }

  /** The defaults listed on each component. */
  public static LinkOptions defaults() {
    return new LinkOptions(
        Duration.ofSeconds(10),
        32000,
        12L * 1024 * 1024,
        16000,
        8L * 1024 * 1024,
        0,
        0,
        false,
        true,
        MetadataSyncMode.OFF,
        Duration.ofSeconds(10),
        false,
        Duration.ofMinutes(1),
        Forwarding.ENTRIES);
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
