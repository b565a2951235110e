package io.georep.state;

import static io.georep.state.PositionRun.Step.BATCH;
import static io.georep.state.PositionRun.Step.ENTRY;
import static io.georep.state.PositionRunTest.pos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PositionRunBuilderTest {

  private final PositionRunBuilder builder = new PositionRunBuilder();

  @Test
  void batchedToBatchedIsOneRun() {
    for (int i = 0; i < 5; i++) {
      builder.add(pos(1, 10, i), 0, pos(7, 20, 3 + i));
    }

    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 10, 0), BATCH, 0, pos(7, 20, 3), BATCH, 5));
  }

  @Test
  void unbatchedToUnbatchedIsOneRun() {
    for (int i = 0; i < 5; i++) {
      builder.add(pos(1, 10 + i, -1), 0, pos(7, 20 + i, -1));
    }

    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 10, -1), ENTRY, 0, pos(7, 20, -1), ENTRY, 5));
  }

  @Test
  void aForwardedEntryIsOneBatchRunBetweenUnbatchedRuns() {
    builder.add(pos(1, 8, -1), 0, pos(7, 18, -1));
    builder.add(pos(1, 9, -1), 0, pos(7, 19, -1));
    builder.addBatch(pos(1, 10, 0), 0, pos(7, 20, 0), 1000);
    builder.addBatch(pos(1, 11, 0), 0, pos(7, 21, 0), 1);
    builder.add(pos(1, 12, -1), 0, pos(7, 22, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 8, -1), ENTRY, 0, pos(7, 18, -1), ENTRY, 2),
            new PositionRun(pos(1, 10, 0), BATCH, 0, pos(7, 20, 0), BATCH, 1000),
            new PositionRun(pos(1, 11, 0), BATCH, 0, pos(7, 21, 0), BATCH, 1),
            new PositionRun(pos(1, 12, -1), ENTRY, 0, pos(7, 22, -1), ENTRY, 1));
    assertThatThrownBy(() -> builder.add(pos(1, 11, 999), 0, pos(7, 30, -1)))
        .as("a position inside an entry already mapped")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.addBatch(pos(1, 13, 1), 0, pos(7, 30, 0), 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchedToUnbatchedIsOneRun() {
    for (int i = 0; i < 5; i++) {
      builder.add(pos(1, 10, i), 3, pos(7, 20 + i, -1));
    }

    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 10, 0), BATCH, 3, pos(7, 20, -1), ENTRY, 5));
  }

  @Test
  void unbatchedToBatchedIsOneRun() {
    for (int i = 0; i < 5; i++) {
      builder.add(pos(1, 10 + i, -1), -1, pos(7, 20, i));
    }

    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 10, -1), ENTRY, -1, pos(7, 20, 0), BATCH, 5));
  }

  @Test
  void aNewSourceBatchStartsANewRun() {
    builder.add(pos(1, 10, 0), 0, pos(7, 20, 0));
    builder.add(pos(1, 10, 1), 0, pos(7, 20, 1));
    builder.add(pos(1, 11, 0), 0, pos(7, 20, 2));
    builder.add(pos(1, 11, 1), 0, pos(7, 20, 3));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 10, 0), BATCH, 0, pos(7, 20, 0), BATCH, 2),
            new PositionRun(pos(1, 11, 0), BATCH, 0, pos(7, 20, 2), BATCH, 2));
  }

  @Test
  void aNewTargetBatchStartsANewRun() {
    builder.add(pos(1, 10, 0), 0, pos(7, 20, 0));
    builder.add(pos(1, 10, 1), 0, pos(7, 20, 1));
    builder.add(pos(1, 10, 2), 0, pos(7, 21, 0));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 10, 0), BATCH, 0, pos(7, 20, 0), BATCH, 2),
            new PositionRun(pos(1, 10, 2), BATCH, 0, pos(7, 21, 0), BATCH, 1));
  }

  @Test
  void aSourceLedgerChangeStartsANewRun() {
    builder.add(pos(1, 99, -1), 0, pos(7, 20, -1));
    builder.add(pos(2, 100, -1), 0, pos(7, 21, -1));
    builder.add(pos(2, 101, -1), 0, pos(7, 22, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 99, -1), ENTRY, 0, pos(7, 20, -1), ENTRY, 1),
            new PositionRun(pos(2, 100, -1), ENTRY, 0, pos(7, 21, -1), ENTRY, 2));
  }

  @Test
  void aTargetLedgerChangeStartsANewRun() {
    builder.add(pos(1, 10, -1), 0, pos(7, 20, -1));
    builder.add(pos(1, 11, -1), 0, pos(8, 21, -1));
    builder.add(pos(1, 12, 0), 0, pos(8, 22, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 10, -1), ENTRY, 0, pos(7, 20, -1), ENTRY, 1),
            new PositionRun(pos(1, 11, -1), ENTRY, 0, pos(8, 21, -1), ENTRY, 1),
            new PositionRun(pos(1, 12, 0), BATCH, 0, pos(8, 22, -1), ENTRY, 1));
  }

  @Test
  void aTargetPartitionChangeStartsANewRun() {
    builder.add(pos(1, 10, -1), 0, pos(7, 20, -1));
    builder.add(pos(1, 11, -1), 1, pos(7, 21, -1));
    builder.add(pos(1, 12, -1), 1, pos(7, 22, -1));
    builder.add(pos(1, 13, -1), -1, pos(7, 23, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 10, -1), ENTRY, 0, pos(7, 20, -1), ENTRY, 1),
            new PositionRun(pos(1, 11, -1), ENTRY, 1, pos(7, 21, -1), ENTRY, 2),
            new PositionRun(pos(1, 13, -1), ENTRY, -1, pos(7, 23, -1), ENTRY, 1));
  }

  @Test
  void gapsMakeOneMessageRuns() {
    // every other source message filtered out (loop prevention), target consecutive
    builder.add(pos(1, 1, -1), 0, pos(7, 1, -1));
    builder.add(pos(1, 3, -1), 0, pos(7, 2, -1));
    builder.add(pos(1, 5, 2), 0, pos(7, 3, -1));
    builder.add(pos(1, 5, 4), 0, pos(7, 4, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(7, 1, -1), ENTRY, 1),
            new PositionRun(pos(1, 3, -1), ENTRY, 0, pos(7, 2, -1), ENTRY, 1),
            new PositionRun(pos(1, 5, 2), BATCH, 0, pos(7, 3, -1), ENTRY, 1),
            new PositionRun(pos(1, 5, 4), BATCH, 0, pos(7, 4, -1), ENTRY, 1));
  }

  @Test
  void aBatchedStartDoesNotStepToAnUnbatchedEntry() {
    builder.add(pos(1, 5, 9), 0, pos(7, 1, -1));
    builder.add(pos(1, 6, -1), 0, pos(7, 2, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 5, 9), BATCH, 0, pos(7, 1, -1), ENTRY, 1),
            new PositionRun(pos(1, 6, -1), ENTRY, 0, pos(7, 2, -1), ENTRY, 1));
  }

  @Test
  void drainKeepsTheOpenRunOpenAndHandsItOutAgainOnlyWhenItGrew() {
    builder.add(pos(1, 1, -1), 0, pos(7, 1, -1));
    builder.add(pos(1, 2, -1), 0, pos(7, 2, -1));
    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(7, 1, -1), ENTRY, 2));
    assertThat(builder.drain()).isEmpty();

    builder.add(pos(1, 3, -1), 0, pos(7, 3, -1));
    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 1, -1), ENTRY, 0, pos(7, 1, -1), ENTRY, 3));

    // closing the run without growing it does not hand it out a third time
    builder.add(pos(1, 9, -1), 0, pos(7, 9, -1));
    assertThat(builder.drain())
        .containsExactly(new PositionRun(pos(1, 9, -1), ENTRY, 0, pos(7, 9, -1), ENTRY, 1));
  }

  @Test
  void drainOfAnEmptyBuilderIsEmpty() {
    assertThat(builder.drain()).isEmpty();
  }

  @Test
  void drainedListIsUnmodifiable() {
    builder.add(pos(1, 1, -1), 0, pos(7, 1, -1));
    List<PositionRun> drained = builder.drain();

    assertThatThrownBy(drained::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sourcePositionsMustIncreaseAcrossDrains() {
    builder.add(pos(1, 5, -1), 0, pos(7, 1, -1));
    builder.drain();

    assertThatThrownBy(() -> builder.add(pos(1, 5, -1), 0, pos(7, 2, -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must increase");
    assertThatThrownBy(() -> builder.add(pos(1, 4, 3), 0, pos(7, 2, -1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.add(pos(1, 6, -1), -2, pos(7, 2, -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetPartition");
  }

  @Test
  void aRunStopsAtTheLastBatchIndex() {
    builder.add(pos(1, 1, Integer.MAX_VALUE - 1), 0, pos(7, 1, -1));
    builder.add(pos(1, 1, Integer.MAX_VALUE), 0, pos(7, 2, -1));
    builder.add(pos(1, 2, -1), 0, pos(7, 3, -1));

    assertThat(builder.drain())
        .containsExactly(
            new PositionRun(pos(1, 1, Integer.MAX_VALUE - 1), BATCH, 0, pos(7, 1, -1), ENTRY, 2),
            new PositionRun(pos(1, 2, -1), ENTRY, 0, pos(7, 3, -1), ENTRY, 1));
  }

  @Test
  void aTargetEntryIdThatWouldOverflowStartsANewRun() {
    builder.add(pos(1, 1, -1), 0, pos(7, Long.MAX_VALUE, -1));
    builder.add(pos(1, 2, -1), 0, pos(7, Long.MIN_VALUE, -1));

    assertThat(builder.drain()).hasSize(2);
  }
}
