package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.Forwarding;
import io.georep.config.LinkConfig;
import io.georep.config.LinkOptions;
import io.georep.config.MappingConfig;
import io.georep.config.ScopeConfig;
import io.georep.config.StartPosition;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionPlanTest {
  private static final String TOPIC = "persistent://sales/orders/orders";

  private static LinkConfig link(Forwarding forwarding) {
    LinkOptions d = LinkOptions.defaults();
    LinkOptions options =
        new LinkOptions(
            d.discoveryInterval(),
            d.inFlightMessages(),
            d.inFlightBytes(),
            d.partitionInFlightMessages(),
            d.partitionInFlightBytes(),
            d.messagesPerSecond(),
            d.bytesPerSecond(),
            d.enableTargetDeduplication(),
            d.createTargetTopics(),
            d.metadataSync(),
            d.subscriptionSyncInterval(),
            d.subscriptionSync(),
            d.metadataSyncInterval(),
            forwarding);
    return new LinkConfig(
        "east-to-west",
        "east",
        "west",
        new ScopeConfig(false, List.of("sales/orders"), List.of(), List.of(), List.of()),
        MappingConfig.identity(),
        new StartPosition.Earliest(),
        options);
  }

  @Test
  void equalPartitionCountsWritePartitionIToPartitionIWholeEntries() {
    PartitionPlan plan =
        PartitionPlan.of(
            link(Forwarding.ENTRIES),
            new TopicLister.SourceTopic(TOPIC, 4),
            TOPIC + "-partition-2",
            4);

    assertThat(plan.targetTopic()).isEqualTo(TOPIC + "-partition-2");
    assertThat(plan.routing().isRouted()).isFalse();
    assertThat(plan.routing().partitions()).containsExactly(2);
    assertThat(plan.forwardEntries()).isTrue();
  }

  @Test
  void differentCountsRouteByKeyToThePartitionedTopicAndForwardMessages() {
    PartitionPlan plan =
        PartitionPlan.of(
            link(Forwarding.ENTRIES),
            new TopicLister.SourceTopic(TOPIC, 4),
            TOPIC + "-partition-1",
            6);

    assertThat(plan.targetTopic()).isEqualTo(TOPIC);
    assertThat(plan.routing().isRouted()).isTrue();
    assertThat(plan.forwardEntries()).as("only messages can go where their key says").isFalse();
  }

  @Test
  void aNonPartitionedTargetTakesTheTopicAsItIs() {
    PartitionPlan plan =
        PartitionPlan.of(
            link(Forwarding.MESSAGES), new TopicLister.SourceTopic(TOPIC, 0), TOPIC, 0);

    assertThat(plan.targetTopic()).isEqualTo(TOPIC);
    assertThat(plan.routing().isRouted()).isFalse();
    assertThat(plan.routing().partitions()).containsExactly(-1);
    assertThat(plan.forwardEntries()).as("forwarding: messages").isFalse();
  }
}
