package io.georep.migrator.subscriptions;

import java.util.List;

/**
 * What a subscription sync found and did for one subscription on one target partition.
 *
 * @param subscription the subscription's name (the same on both sides)
 * @param sourceTopics the source partitions feeding the target partition (several when merged or
 *     when partition counts differ)
 * @param sourcePosition the source mark-delete position(s), {@code ledger:entry} per feeder
 * @param sourceBacklog messages the subscription has not acknowledged on the source (sum over
 *     feeders)
 * @param targetTopic the target partition
 * @param targetPosition where the target cursor goes: {@code ledger:entry}, or {@code earliest}
 * @param acknowledged messages acknowledged one by one on the target after the move (by provenance)
 * @param targetBacklog messages the subscription has left to receive on the target, after the sync
 *     (-1 when not applied)
 * @param action what was done: {@code created}, {@code moved}, {@code unchanged}, {@code
 *     would-create}, {@code would-move} (dry run), {@code skipped}
 * @param notes why it is not exact or was skipped, each naming the fallback; empty if exact
 */
public record SubscriptionReport(
    String subscription,
    List<String> sourceTopics,
    String sourcePosition,
    long sourceBacklog,
    String targetTopic,
    String targetPosition,
    long acknowledged,
    long targetBacklog,
    String action,
    List<String> notes) {

  public boolean exact() {
    return notes.isEmpty();
  }
}
