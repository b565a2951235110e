package io.georep.config;

/**
 * Limits of the whole daemon, over every link (each link's own are in {@link LinkOptions}).
 *
 * @param receiveQueueBytes the bytes of source messages that all the daemon's source consumers
 *     together may have asked for and hold in their receive queues, in both forwarding modes,
 *     shared equally among them (one consumer takes at most 8 MiB of it; each may always ask for
 *     one entry more than its share, or it could not move): the direct memory the daemon's intake
 *     costs is this plus one entry per source partition (default 8 MiB)
 */
public record LimitsConfig(long receiveQueueBytes) {

  /** The default {@link #receiveQueueBytes}: 8 MiB. */
  public static final long DEFAULT_RECEIVE_QUEUE_BYTES = 8L * 1024 * 1024;

  public LimitsConfig {
    if (receiveQueueBytes <= 0) {
      throw new IllegalArgumentException(
          "receiveQueueBytes must be positive: " + receiveQueueBytes);
    }
  }

  /** Every limit at its default. */
  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_RECEIVE_QUEUE_BYTES);
  }
}
