package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.state.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceIdsTest {

  @Test
  void idsGrowWithPositionsAcrossBatchesEntriesAndLedgers() {
    List<Position> positions =
        List.of(
            new Position(0, 0, -1),
            new Position(0, 0, 0),
            new Position(0, 0, 1),
            new Position(0, 1, -1),
            new Position(7, 0, -1),
            new Position(7, 49_999, 999),
            new Position(8, 0, 0),
            new Position(
                SequenceIds.MAX_LEDGER, SequenceIds.MAX_ENTRY, SequenceIds.MAX_BATCH_INDEX));
    List<Long> ids = new ArrayList<>();
    positions.forEach(p -> ids.add(SequenceIds.of(p)));
    assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id >= 0);
  }

  @Test
  void theSamePositionAlwaysGivesTheSameIdAndItCanBeReadBack() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      Position p =
          new Position(
              random.nextInt(Integer.MAX_VALUE),
              random.nextInt((int) SequenceIds.MAX_ENTRY + 1),
              random.nextInt(SequenceIds.MAX_BATCH_INDEX + 2) - 1);
      long id = SequenceIds.of(p);
      assertThat(SequenceIds.of(p)).isEqualTo(id);
      assertThat(SequenceIds.position(id)).isEqualTo(p);
    }
  }

  @Test
  void orderOfIdsIsTheOrderOfPositions() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      Position a = new Position(random.nextInt(100), random.nextInt(100), random.nextInt(5) - 1);
      Position b = new Position(random.nextInt(100), random.nextInt(100), random.nextInt(5) - 1);
      assertThat(Long.compare(SequenceIds.of(a), SequenceIds.of(b)))
          .isEqualTo(Integer.signum(a.compareTo(b)));
    }
  }

  @Test
  void positionsThatDoNotFitAreRefusedNamingThePart() {
    assertThatThrownBy(() -> SequenceIds.of(new Position(SequenceIds.MAX_LEDGER + 1, 0, -1)))
        .isInstanceOf(SequenceIds.SequenceIdOverflowException.class)
        .hasMessageContaining("ledger id 2147483648");
    assertThatThrownBy(() -> SequenceIds.of(new Position(1, SequenceIds.MAX_ENTRY + 1, -1)))
        .hasMessageContaining("entry id 4194304")
        .hasMessageContaining("managedLedgerMaxEntriesPerLedger");
    assertThatThrownBy(() -> SequenceIds.of(new Position(1, 1, 1023)))
        .hasMessageContaining("batch index 1023");
  }
}
