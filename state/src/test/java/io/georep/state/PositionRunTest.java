package io.georep.state;

import static io.georep.state.PositionRun.Step.BATCH;
import static io.georep.state.PositionRun.Step.ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionRunTest {

  /** Source: batch (5, 10, 3..7); target: unbatched entries (9, 100..104) of partition 2. */
  private static final PositionRun BATCHED_TO_UNBATCHED =
      new PositionRun(pos(5, 10, 3), BATCH, 2, pos(9, 100, -1), ENTRY, 5);

  /**
   * Source: unbatched entries (5, 20..23); target: batch (9, 7, 0..3) of a non-partitioned topic.
   */
  private static final PositionRun UNBATCHED_TO_BATCHED =
      new PositionRun(pos(5, 20, -1), ENTRY, -1, pos(9, 7, 0), BATCH, 4);

  @Test
  void positionsAdvanceByTheirSteps() {
    assertThat(BATCHED_TO_UNBATCHED.sourceAt(0)).isEqualTo(pos(5, 10, 3));
    assertThat(BATCHED_TO_UNBATCHED.sourceAt(4)).isEqualTo(pos(5, 10, 7));
    assertThat(BATCHED_TO_UNBATCHED.targetAt(4)).isEqualTo(pos(9, 104, -1));
    assertThat(BATCHED_TO_UNBATCHED.sourceEnd()).isEqualTo(pos(5, 10, 7));
    assertThat(BATCHED_TO_UNBATCHED.targetEnd()).isEqualTo(pos(9, 104, -1));

    assertThat(UNBATCHED_TO_BATCHED.sourceAt(3)).isEqualTo(pos(5, 23, -1));
    assertThat(UNBATCHED_TO_BATCHED.targetAt(3)).isEqualTo(pos(9, 7, 3));
    assertThat(UNBATCHED_TO_BATCHED.mappingAt(2))
        .isEqualTo(new MappedPosition(pos(5, 22, -1), -1, pos(9, 7, 2)));
  }

  @Test
  void indexOutsideTheRunIsRefused() {
    assertThatThrownBy(() -> BATCHED_TO_UNBATCHED.sourceAt(5))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> BATCHED_TO_UNBATCHED.targetAt(-1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void indexOfFindsExactlyThePositionsOfTheRun() {
    for (int i = 0; i < 5; i++) {
      assertThat(BATCHED_TO_UNBATCHED.indexOf(BATCHED_TO_UNBATCHED.sourceAt(i))).isEqualTo(i);
    }
    assertThat(BATCHED_TO_UNBATCHED.indexOf(pos(5, 10, 2))).isEqualTo(-1);
    assertThat(BATCHED_TO_UNBATCHED.indexOf(pos(5, 10, 8))).isEqualTo(-1);
    assertThat(BATCHED_TO_UNBATCHED.indexOf(pos(5, 10, -1))).isEqualTo(-1);
    assertThat(BATCHED_TO_UNBATCHED.indexOf(pos(5, 11, 3))).isEqualTo(-1);
    assertThat(BATCHED_TO_UNBATCHED.indexOf(pos(6, 10, 3))).isEqualTo(-1);

    assertThat(UNBATCHED_TO_BATCHED.indexOf(pos(5, 22, -1))).isEqualTo(2);
    assertThat(UNBATCHED_TO_BATCHED.indexOf(pos(5, 22, 0))).isEqualTo(-1);
    assertThat(UNBATCHED_TO_BATCHED.indexOf(pos(5, 24, -1))).isEqualTo(-1);
    assertThat(UNBATCHED_TO_BATCHED.indexOf(pos(5, 19, -1))).isEqualTo(-1);
    assertThat(UNBATCHED_TO_BATCHED.indexOf(pos(4, 21, -1))).isEqualTo(-1);
  }

  @Test
  void floorAndCeilingIndexBetweenAndAroundPositions() {
    // (5, 21, 4) lies between the messages (5, 21, -1) and (5, 22, -1)
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(5, 21, 4))).isEqualTo(1);
    assertThat(UNBATCHED_TO_BATCHED.ceilingIndex(pos(5, 21, 4))).isEqualTo(2);
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(5, 21, -1))).isEqualTo(1);
    assertThat(UNBATCHED_TO_BATCHED.ceilingIndex(pos(5, 21, -1))).isEqualTo(1);
    // before and after the run
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(5, 19, 9))).isEqualTo(-1);
    assertThat(UNBATCHED_TO_BATCHED.ceilingIndex(pos(5, 19, 9))).isEqualTo(0);
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(5, 23, 0))).isEqualTo(3);
    assertThat(UNBATCHED_TO_BATCHED.ceilingIndex(pos(5, 23, 0))).isEqualTo(-1);
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(Long.MAX_VALUE, 0, -1))).isEqualTo(3);
    assertThat(UNBATCHED_TO_BATCHED.floorIndex(pos(5, Long.MAX_VALUE, -1))).isEqualTo(3);

    assertThat(BATCHED_TO_UNBATCHED.floorIndex(pos(5, 10, 100))).isEqualTo(4);
    assertThat(BATCHED_TO_UNBATCHED.floorIndex(pos(5, 11, -1))).isEqualTo(4);
    assertThat(BATCHED_TO_UNBATCHED.floorIndex(pos(5, 10, -1))).isEqualTo(-1);
    assertThat(BATCHED_TO_UNBATCHED.ceilingIndex(pos(5, 10, -1))).isEqualTo(0);
    assertThat(BATCHED_TO_UNBATCHED.ceilingIndex(pos(5, 10, 5))).isEqualTo(2);
    assertThat(BATCHED_TO_UNBATCHED.ceilingIndex(pos(5, 10, 8))).isEqualTo(-1);
  }

  @Test
  void stepIsTheOneItsStartAllows() {
    assertThat(PositionRun.Step.of(pos(1, 1, -1))).isEqualTo(ENTRY);
    assertThat(PositionRun.Step.of(pos(1, 1, 0))).isEqualTo(BATCH);

    assertThatThrownBy(() -> new PositionRun(pos(1, 1, -1), BATCH, 0, pos(2, 2, -1), ENTRY, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unbatched source position")
        .hasMessageContaining("cannot have step BATCH");
    assertThatThrownBy(() -> new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(2, 2, 0), ENTRY, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batched target position")
        .hasMessageContaining("cannot have step ENTRY");
  }

  @Test
  void impossibleRunsAreRefused() {
    assertThatThrownBy(() -> new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(2, 2, -1), ENTRY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one message");
    assertThatThrownBy(() -> new PositionRun(pos(1, 1, -1), ENTRY, -2, pos(2, 2, -1), ENTRY, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetPartition");
    assertThatThrownBy(
            () ->
                new PositionRun(
                    pos(1, 1, Integer.MAX_VALUE - 1), BATCH, 0, pos(2, 2, -1), ENTRY, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflows");
    assertThatThrownBy(
            () -> new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(2, Long.MAX_VALUE, -1), ENTRY, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflows");

    PositionRun toTheEdge =
        new PositionRun(pos(1, 1, Integer.MAX_VALUE - 2), BATCH, 0, pos(2, 2, -1), ENTRY, 3);
    assertThat(toTheEdge.sourceEnd()).isEqualTo(pos(1, 1, Integer.MAX_VALUE));
  }

  static Position pos(long ledgerId, long entryId, int batchIndex) {
    return new Position(ledgerId, entryId, batchIndex);
  }
}
