package io.georep.replicator;

import java.time.Instant;
import java.util.List;

/** A point-in-time view of everything the daemon replicates; served as JSON by the status API. */
public record DaemonStatus(Instant startedAt, boolean ready, List<LinkStatus> links) {

  /**
   * One link and its topics; {@code metadataSync} is null when the link does not sync metadata
   * ({@code metadataSync: off}).
   */
  public record LinkStatus(
      String name,
      String source,
      String target,
      LinkState state,
      String lastError,
      long messagesForwarded,
      long bytesForwarded,
      List<TopicStatus> topics,
      List<SubscriptionStatus> subscriptions,
      MetadataSyncStatus metadataSync) {

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
          List.copyOf(translated),
          metadataSync);
    }

    /** This status with the link's metadata sync status. */
    public LinkStatus withMetadataSync(MetadataSyncStatus status) {
      return new LinkStatus(
          name,
          source,
          target,
          state,
          lastError,
          messagesForwarded,
          bytesForwarded,
          topics,
          subscriptions,
          status);
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
   * The daemon's metadata sync of one link ({@code metadataSync: once | continuous}): what its last
   * run found and did. Counts are those of the last completed run.
   *
   * @param mode {@code once} or {@code continuous}
   * @param state {@code PENDING} before the first run ends, {@code IN_SYNC} when the last run left
   *     nothing to do, {@code DRIFT} when it left conflicts, objects only on the target or failed
   *     items, {@code FAILED} when it could not read or apply (see {@code lastError})
   * @param lastRunAt when the last run ended; null before
   * @param lastRunMillis how long it took
   * @param applied items it applied (creates and non-conflicting updates)
   * @param failed items it tried and could not apply
   * @param pendingCreates creates and updates it found and did not apply (failed ones)
   * @param conflicts conflicts it found and kept
   * @param onlyOnTarget objects it found only on the target and kept
   * @param lastError why the last run failed, or its first failed item; null if none
   * @param nextRunAt when the next run starts; null when none will (once, after a success)
   */
  public record MetadataSyncStatus(
      String mode,
      String state,
      Instant lastRunAt,
      long lastRunMillis,
      int applied,
      int failed,
      int pendingCreates,
      int conflicts,
      int onlyOnTarget,
      String lastError,
      Instant nextRunAt) {}

  /**
   * One source partition. {@code backlogMessages} is georep's cursor backlog on the source as last
   * read from the admin API (-1 before the first read and while its stats cannot be read); {@code
   * lagMillis} is now minus the source publish time of the last message the target acknowledged, 0
   * when nothing is waiting; {@code duplicatesDropped} counts sends the target's deduplication
   * discarded as already persisted; {@code lastEvent} is the latest noteworthy event that is not an
   * error (a gap in the source, a target whose deduplication state is behind georep's checkpoint),
   * null if none.
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
