package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.migrator.SyncOperation.CreateTopic;
import io.georep.migrator.SyncOperation.GrowPartitions;
import io.georep.migrator.SyncOperation.Impossible;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which operation makes a link's target topic as the link needs it, given the target's topics. */
class TargetTopicsApplierTest {
  private static final String TOPIC = "persistent://sales/orders/events";
  private static final String OTHER = "persistent://sales/orders/audit";

  @Test
  void aMissingTopicIsCreatedWithTheSourcesPartitionsOrWithoutAny() {
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 4, 0, List.of(OTHER)))
        .contains(new CreateTopic(TOPIC, 4));
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 0, 0, List.of(OTHER)))
        .contains(new CreateTopic(TOPIC, 0));
  }

  @Test
  void aPartitionedTopicWithFewerPartitionsGrowsAndOneWithMoreStaysAsItIs() {
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 4, 2, List.of()))
        .contains(new GrowPartitions(TOPIC, 4));
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 4, 4, List.of())).isEmpty();
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 2, 6, List.of())).isEmpty();
  }

  @Test
  void existingTopicsTakeANonPartitionedSourceAsTheyAre() {
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 0, 0, List.of(OTHER, TOPIC))).isEmpty();
    // A partitioned target takes the messages of a non-partitioned source, routed by key.
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 0, 3, List.of())).isEmpty();
  }

  @Test
  void topicsNamedLikeItsPartitionsStandingAloneAreNamedAndNotWrittenBeside() {
    List<String> namespace =
        List.of(OTHER, TOPIC + "-partition-1", TOPIC + "-partition-0", OTHER + "-partition-0");

    assertThat(TargetTopicsApplier.operationFor(TOPIC, 2, 0, namespace))
        .get()
        .isInstanceOfSatisfying(
            Impossible.class,
            impossible ->
                assertThat(impossible.reason())
                    .isEqualTo(
                        TOPIC
                            + " does not exist on the target, but "
                            + TOPIC
                            + "-partition-0, "
                            + TOPIC
                            + "-partition-1 exist as topics of their own (a producer wrote to"
                            + " them while "
                            + TOPIC
                            + " did not exist); the broker refuses to create "
                            + TOPIC
                            + " over them: look at what they hold, delete them, and georep"
                            + " creates "
                            + TOPIC
                            + " with 2 partitions"));
  }

  @Test
  void aNonPartitionedTopicWhereAPartitionedOneShouldBeIsAnErrorNamingTheFix() {
    assertThat(TargetTopicsApplier.operationFor(TOPIC, 3, 0, List.of(TOPIC, OTHER)))
        .get()
        .isInstanceOfSatisfying(
            Impossible.class,
            impossible ->
                assertThat(impossible.reason())
                    .isEqualTo(
                        TOPIC
                            + " exists on the target as a non-partitioned topic but the source"
                            + " topic has 3 partitions; delete it or recreate it with 3"
                            + " partitions"));
  }

  @Test
  void aTopicWhoseNameOnlyBeginsLikeAnotherIsNoOrphanOfIt() {
    // events2 and its partition belong to another topic, not to events.
    assertThat(
            TargetTopicsApplier.operationFor(
                TOPIC, 2, 0, List.of(TOPIC + "2", TOPIC + "2-partition-0")))
        .contains(new CreateTopic(TOPIC, 2));
  }
}
