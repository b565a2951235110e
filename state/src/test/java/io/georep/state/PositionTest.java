package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PositionTest {

  @Test
  void ordersByLedgerThenEntryThenBatchIndex() {
    List<Position> sorted =
        List.of(
                new Position(1, 5, 0),
                new Position(2, 0, -1),
                new Position(1, 5, -1),
                new Position(1, 6, -1),
                new Position(1, 5, 3))
            .stream()
            .sorted()
            .toList();

    assertThat(sorted)
        .containsExactly(
            new Position(1, 5, -1),
            new Position(1, 5, 0),
            new Position(1, 5, 3),
            new Position(1, 6, -1),
            new Position(2, 0, -1));
  }

  @Test
  void rejectsBatchIndexBelowMinusOne() {
    assertThatThrownBy(() -> new Position(1, 1, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchIndex");
  }
}
