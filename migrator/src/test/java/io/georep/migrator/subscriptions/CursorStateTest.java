package io.georep.migrator.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.state.Position;
import org.junit.jupiter.api.Test;

class CursorStateTest {

  @Test
  void parsesTheBrokersFormatAndAnswersPerEntry() {
    CursorState state = CursorState.parse("7:10", "[(7:12..7:15], (9:-1..9:3]]");
    assertThat(state.markDelete()).isEqualTo(new Position(7, 10, -1));
    assertThat(state.deleted()).hasSize(2);
    assertThat(state.isAcknowledged(new Position(7, 10, 99))).isTrue();
    assertThat(state.isAcknowledged(new Position(6, 500, -1))).isTrue();
    assertThat(state.isAcknowledged(new Position(7, 11, 0))).isFalse();
    assertThat(state.isAcknowledged(new Position(7, 12, 0))).as("range start is open").isFalse();
    assertThat(state.isAcknowledged(new Position(7, 13, 4))).isTrue();
    assertThat(state.isAcknowledged(new Position(7, 15, 0))).as("range end is closed").isTrue();
    assertThat(state.isAcknowledged(new Position(7, 16, -1))).isFalse();
    assertThat(state.isAcknowledged(new Position(9, 0, -1))).isTrue();
    assertThat(state.isAcknowledged(new Position(9, 4, -1))).isFalse();
    assertThat(state.highestAcknowledged()).isEqualTo(new Position(9, 3, -1));
    assertThat(state.markDeleteLastMessage()).isEqualTo(new Position(7, 10, Integer.MAX_VALUE));
  }

  @Test
  void noIndividualAcksMeansTheMarkDeleteIsTheHighest() {
    CursorState state = CursorState.parse("3:-1", "[]");
    assertThat(state.deleted()).isEmpty();
    assertThat(state.highestAcknowledged()).isEqualTo(new Position(3, -1, -1));
    assertThat(state.isAcknowledged(new Position(3, 0, 0))).isFalse();
    assertThat(CursorState.parse("3:-1", null).deleted()).isEmpty();
    assertThatThrownBy(() -> CursorState.parse("garbage", "[]"))
        .hasMessageContaining("ledger:entry");
  }
}
