package io.georep.replicator;

import java.time.Instant;
import java.util.List;

/** A point-in-time view of everything the daemon replicates; served as JSON by the status API. */
public record DaemonStatus(Instant startedAt, boolean ready, List<LinkStatus> links) {

  /** One link and its topics. */
  public record LinkStatus(
      String name,
      String source,
      String target,
      String state,
      String lastError,
      long messagesForwarded,
      long bytesForwarded,
      List<TopicStatus> topics,
      List<SubscriptionStatus> subscriptions) {

    /** The same link with these subscriptions. */
    public LinkStatus withSubscriptions(List<SubscriptionStatus> translated) {
      return new LinkStatus(
          name,
          source,
          target,
          state,
          lastError,
          messagesForwarded,
          bytesForwarded,
          topics,
          List.copyOf(translated));
    }
  }

  /**
   * One subscription on one target partition, as the last subscription sync left it. {@code
   * ageMillis} is the translation lag: how long ago the source's position was last carried over.
   */
  public record SubscriptionStatus(
      String subscription,
      String targetTopic,
      String sourcePosition,
      String targetPosition,
      String action,
      boolean exact,
      List<String> notes,
      Instant syncedAt,
      long ageMillis) {}

  /**
   * One source partition. {@code backlogMessages} is georep's cursor backlog on the source as last
   * read from the admin API (-1 before the first read); {@code lagMillis} is now minus the source
   * publish time of the last message the target acknowledged, 0 when nothing is waiting; {@code
   * duplicatesDropped} counts sends the target's deduplication discarded as already persisted;
   * {@code lastEvent} is the latest noteworthy event that is not an error (a gap in the source, a
   * target whose deduplication state is behind georep's checkpoint), null if none.
   */
  public record TopicStatus(
      String sourceTopic,
      String targetTopic,
      TopicState state,
      long messagesForwarded,
      long bytesForwarded,
      long replaysSkipped,
      long duplicatesDropped,
      int inFlight,
      long backlogMessages,
      long lagMillis,
      String lastAckedSourceId,
      String lastError,
      Instant lastErrorAt,
      String lastEvent,
      Instant lastEventAt,
      int restarts) {}
}
