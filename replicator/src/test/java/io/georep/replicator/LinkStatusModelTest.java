package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.LinkConfig;
import io.georep.config.LinkOptions;
import io.georep.config.MappingConfig;
import io.georep.config.ScopeConfig;
import io.georep.config.StartPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkStatusModelTest {
  private static final String P0 = "persistent://sales/orders/orders-partition-0";
  private static final String P1 = "persistent://sales/orders/orders-partition-1";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LinkConfig link =
      new LinkConfig(
          "east-to-west",
          "east",
          "west",
          new ScopeConfig(false, List.of("sales/orders"), List.of(), List.of(), List.of()),
          MappingConfig.identity(),
          new StartPosition.Earliest(),
          LinkOptions.defaults());
  private final LinkStatusModel board = new LinkStatusModel(link);

  private PartitionReplicatorMetrics partition(String topic) {
    PartitionReplicatorMetrics m =
        new PartitionReplicatorMetrics(registry, link.name(), topic, topic);
    board.partitions().put(topic, m);
    return m;
  }

  @Test
  void linkIsStartingUntilTheFirstListingThenRunning() {
    assertThat(board.snapshot().state()).isEqualTo(LinkState.STARTING);
    board.discovered();
    assertThat(board.snapshot().state()).isEqualTo(LinkState.RUNNING);
  }

  @Test
  void totalsAddUpThePartitionsAndTopicsAreSorted() {
    board.discovered();
    PartitionReplicatorMetrics p1 = partition(P1);
    PartitionReplicatorMetrics p0 = partition(P0);
    p0.forwarded(3, 300, System.currentTimeMillis(), new io.georep.state.Position(1, 0, -1));
    p1.forwarded(2, 50, System.currentTimeMillis(), new io.georep.state.Position(1, 1, -1));

    DaemonStatus.LinkStatus status = board.snapshot();

    assertThat(status.messagesForwarded()).isEqualTo(5);
    assertThat(status.bytesForwarded()).isEqualTo(350);
    assertThat(status.topics())
        .extracting(DaemonStatus.TopicStatus::sourceTopic)
        .containsExactly(P0, P1);
    assertThat(status.topics().get(0).lastAckedSourceId()).isEqualTo("1:0:-1");
    assertThat(registry.get("georep.messages.forwarded").tag("topic", P0).counter().count())
        .isEqualTo(3.0);
  }

  @Test
  void aPartitionErrorDegradesTheLinkAndIsCountedByKind() {
    board.discovered();
    PartitionReplicatorMetrics p0 = partition(P0);
    p0.error("send", "TopicDoesNotExist");

    DaemonStatus.LinkStatus status = board.snapshot();

    assertThat(status.state()).isEqualTo(LinkState.DEGRADED);
    assertThat(status.topics().get(0).state()).isEqualTo(TopicState.ERROR);
    assertThat(status.topics().get(0).lastError()).isEqualTo("send: TopicDoesNotExist");
    assertThat(status.topics().get(0).lastErrorAt()).isNotNull();
    assertThat(registry.get("georep.errors").tag("topic", P0).tag("kind", "send").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void lagIsZeroWhenCaughtUpAndAgeOfTheLastAcknowledgedOtherwise() {
    PartitionReplicatorMetrics p0 = partition(P0);
    assertThat(p0.lagMillis()).as("nothing forwarded yet").isZero();
    p0.forwarded(1, 10, System.currentTimeMillis() - 5_000, new io.georep.state.Position(1, 0, -1));
    assertThat(p0.lagMillis()).isBetween(5_000L, 60_000L);

    p0.caughtUp(true);
    assertThat(p0.lagMillis()).isZero();
  }

  @Test
  void closingAPartitionRemovesItsMeters() {
    PartitionReplicatorMetrics p0 = partition(P0);
    p0.error("subscribe", "denied");
    p0.close();
    assertThat(registry.find("georep.messages.forwarded").tag("topic", P0).counter()).isNull();
    assertThat(registry.find("georep.errors").tag("topic", P0).counter()).isNull();
  }
}
