package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinkFiguresTest {
  private static DaemonStatus.TopicStatus topic(
      TopicState state, int inFlight, long backlog, long lagMillis) {
    return new DaemonStatus.TopicStatus(
        "s", "t", state, 0, 0, 0, 0, inFlight, backlog, lagMillis, null, null, null, null, null, 0);
  }

  @Test
  void sumsWhatIsKnownAndTakesTheLargestLag() {
    LinkFigures figures =
        LinkFigures.of(
            List.of(
                topic(TopicState.RUNNING, 3, 10, 40),
                topic(TopicState.RUNNING, 0, -1, 0), // backlog not read yet
                topic(TopicState.RUNNING, 2, 5, 90)));

    assertThat(figures.partitions()).isEqualTo(3);
    assertThat(figures.inFlight()).isEqualTo(5);
    assertThat(figures.backlog()).as("the unknown backlog is not counted as -1").isEqualTo(15);
    assertThat(figures.maxLagMillis()).isEqualTo(90);
    assertThat(figures.idle()).isFalse();
  }

  @Test
  void idleOnlyWithNothingInFlightNoLagAndEveryPartitionRunningOrStopped() {
    assertThat(
            LinkFigures.of(
                    List.of(topic(TopicState.RUNNING, 0, 0, 0), topic(TopicState.STOPPED, 0, 0, 0)))
                .idle())
        .isTrue();
    assertThat(LinkFigures.of(List.of(topic(TopicState.RUNNING, 1, 0, 0))).idle()).isFalse();
    assertThat(LinkFigures.of(List.of(topic(TopicState.RUNNING, 0, 0, 5))).idle()).isFalse();
    assertThat(LinkFigures.of(List.of(topic(TopicState.ERROR, 0, 0, 0))).idle()).isFalse();
    assertThat(LinkFigures.of(List.of(topic(TopicState.RUNNING, 0, -1, 0))).backlog())
        .as("no backlog known")
        .isEqualTo(-1);
    assertThat(LinkFigures.of(List.of()).idle()).as("a link with no partition").isTrue();
  }
}
