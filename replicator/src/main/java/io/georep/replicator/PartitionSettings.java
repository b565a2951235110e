package io.georep.replicator;

import io.georep.config.StartPosition;
import java.time.Duration;
import org.apache.pulsar.common.naming.TopicName;

/** What one {@link PartitionReplicator} needs to know; immutable. */
public record PartitionSettings(
    String link,
    String sourceCluster,
    String targetCluster,
    String sourceTopic,
    String targetTopic,
    TargetRouting routing,
    StartPosition startAt,
    int maxInFlightMessages,
    long maxInFlightBytes,
    Duration checkpointInterval,
    Duration checkpointSyncInterval,
    boolean targetDeduplicates,
    boolean forwardEntries) {

  String subscription() {
    return "georep-" + link;
  }

  /**
   * The topic producer {@code index} writes to: {@code targetTopic} itself, or, when routed,
   * partition {@code index} of the partitioned topic {@code targetTopic}.
   */
  String targetTopicOf(int index) {
    return routing.isRouted()
        ? targetTopic + TopicName.PARTITIONED_TOPIC_SUFFIX + routing.partitions()[index]
        : targetTopic;
  }

  /** Stable per (link, source partition): the target's deduplication keys on it. */
  String producerName() {
    return ProducerNames.of(link, sourceCluster, sourceTopic);
  }
}
