package io.georep.replicator;

import io.georep.config.Forwarding;
import io.georep.config.LinkConfig;
import org.apache.pulsar.common.naming.TopicName;

/**
 * Where one source partition's messages go and how: the target topic its producer writes to, how a
 * message finds its target partition, and whether whole entries can be forwarded.
 *
 * @param targetTopic the topic the partition's producer opens: the mapped partition when the
 *     partition counts match, else the mapped partitioned (or non-partitioned) topic
 * @param routing identity (partition i to partition i, or to the non-partitioned topic), or by key
 *     when the counts differ
 * @param forwardEntries {@code forwarding: entries} and not routed: a routed topic sends each
 *     message where its key says, which only messages can do
 */
record PartitionPlan(String targetTopic, TargetRouting routing, boolean forwardEntries) {

  /**
   * @param topic the source topic as listed
   * @param partition one of its partitions (the topic itself when it is not partitioned)
   * @param targetPartitions the target topic's partition count, 0 if it is not partitioned
   */
  static PartitionPlan of(
      LinkConfig link, TopicLister.SourceTopic topic, String partition, int targetPartitions) {
    String targetTopic = link.mapping().mapTopic(partition);
    TargetRouting routing;
    if (targetPartitions == topic.partitions()) {
      routing =
          TargetRouting.identity(
              topic.partitions() == 0 ? -1 : TopicName.get(partition).getPartitionIndex());
    } else if (targetPartitions == 0) {
      // A non-partitioned target takes every source partition (the source was checked to be
      // non-partitioned too when georep creates targets; see TargetTopics.create).
      targetTopic = link.mapping().mapTopic(topic.name());
      routing = TargetRouting.identity(-1);
    } else {
      targetTopic = link.mapping().mapTopic(topic.name());
      routing = TargetRouting.routed(targetPartitions);
    }
    return new PartitionPlan(
        targetTopic,
        routing,
        link.options().forwarding() == Forwarding.ENTRIES && !routing.isRouted());
  }
}
