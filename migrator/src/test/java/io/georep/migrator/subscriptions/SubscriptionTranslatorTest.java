package io.georep.migrator.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.Checkpoint;
import io.georep.state.MappedPosition;
import io.georep.state.Position;
import io.georep.state.PositionMap;
import io.georep.state.PositionRunBuilder;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionTranslatorTest {
  @TempDir Path dir;
  private StateStore store;
  private PositionMap map;

  private static final SourcePartition EAST = new SourcePartition("a", "persistent://t/n/x");
  private static final SourcePartition WEST = new SourcePartition("b", "persistent://t/m/x");

  @BeforeEach
  void open() {
    store = StateStore.open(dir);
    map = store.positionMap();
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Unbatched source entries first..first+count-1 of ledger 5, into target batches of 10. */
  private void replicate(
      SourcePartition partition,
      int firstEntry,
      int count,
      int targetPartition,
      long targetLedger) {
    PositionRunBuilder runs = new PositionRunBuilder();
    for (int i = 0; i < count; i++) {
      int n = firstEntry + i;
      runs.add(new Position(5, n, -1), targetPartition, new Position(targetLedger, n / 10, n % 10));
    }
    Position last = new Position(5, firstEntry + count - 1, -1);
    store
        .checkpoints()
        .putAll(
            Map.of(partition, new Checkpoint(last, 1, last, 1, count, 1)),
            Map.of(partition, runs.drain()));
  }

  @Test
  void theMarkDeleteMapsToTheTargetOfItsLastMessageAndIndividualAcksBoundTheReplay() {
    replicate(EAST, 0, 100, -1, 9);
    CursorState cursor = CursorState.parse("5:41", "[(5:50..5:55], (5:60..5:62]]");
    SubscriptionTranslator.Translation t =
        SubscriptionTranslator.translate(
            map, -1, List.of(new SubscriptionTranslator.Feeder(EAST, cursor)));
    assertThat(t.resetTo()).contains(new Position(9, 4, 1)); // source entry 41
    assertThat(t.replayUntil()).contains(new Position(9, 6, 2)); // source entry 62
    assertThat(t.exact()).isTrue();
  }

  @Test
  void nothingAcknowledgedStartsAtTheEarliestAndStillExact() {
    replicate(EAST, 0, 100, -1, 9);
    SubscriptionTranslator.Translation t =
        SubscriptionTranslator.translate(
            map,
            -1,
            List.of(new SubscriptionTranslator.Feeder(EAST, CursorState.parse("5:-1", "[]"))));
    assertThat(t.resetTo()).isEmpty();
    assertThat(t.replayUntil()).isEmpty();
    assertThat(t.exact()).isTrue();
  }

  @Test
  void aMergedTargetStartsWhereTheSlowestOriginStandsAndReplaysToTheFastest() {
    replicate(EAST, 0, 100, -1, 9); // target entries 0..9
    replicate(WEST, 0, 100, -1, 12); // another ledger on the same target partition
    SubscriptionTranslator.Translation t =
        SubscriptionTranslator.translate(
            map,
            -1,
            List.of(
                new SubscriptionTranslator.Feeder(EAST, CursorState.parse("5:80", "[]")),
                new SubscriptionTranslator.Feeder(WEST, CursorState.parse("5:20", "[]"))));
    assertThat(t.resetTo()).contains(new Position(9, 8, 0)); // east is ahead but on ledger 9
    assertThat(t.replayUntil()).contains(new Position(12, 2, 0));
  }

  @Test
  void aMarkDeleteBeyondTheMapIsNamedWithItsFallback() {
    replicate(EAST, 50, 50, -1, 9); // the map starts at entry 50: older runs are gone
    SubscriptionTranslator.Translation t =
        SubscriptionTranslator.translate(
            map,
            -1,
            List.of(new SubscriptionTranslator.Feeder(EAST, CursorState.parse("5:30", "[]"))));
    assertThat(t.resetTo()).isEmpty();
    assertThat(t.exact()).isTrue(); // nothing mapped up to 5:30 on the target either

    SubscriptionTranslator.Translation other =
        SubscriptionTranslator.translate(
            map,
            3, // a partition this source never wrote to, while the map covers the mark-delete
            List.of(new SubscriptionTranslator.Feeder(EAST, CursorState.parse("5:70", "[]"))));
    assertThat(other.resetTo()).isEmpty();
    assertThat(other.notes())
        .singleElement()
        .asString()
        .contains("nothing up to the source mark-delete 5:70")
        .contains("fallback: read the target from its earliest message");
  }

  @Test
  void acknowledgementsAheadOfReplicationAreNamedNotGuessed() {
    replicate(EAST, 0, 100, -1, 9);
    SubscriptionTranslator.Translation t =
        SubscriptionTranslator.translate(
            map,
            -1,
            List.of(
                new SubscriptionTranslator.Feeder(
                    EAST, CursorState.parse("5:90", "[(5:95..5:120]]"))));
    assertThat(t.resetTo()).contains(new Position(9, 9, 0));
    assertThat(t.replayUntil()).contains(new Position(9, 9, 9)); // the last replicated one
    assertThat(t.notes())
        .singleElement()
        .asString()
        .contains("acknowledged on the source up to 5:120 but replicated only up to 5:99");
  }

  @Test
  void withDifferentPartitionCountsTheFloorIsSearchedWithinTheTargetPartition() {
    PositionRunBuilder runs = new PositionRunBuilder();
    for (int n = 0; n < 40; n++) {
      runs.add(new Position(5, n, -1), n % 2, new Position(20 + n % 2, n / 2, -1));
    }
    store
        .checkpoints()
        .putAll(
            Map.of(
                EAST,
                new Checkpoint(new Position(5, 39, -1), 1, new Position(21, 19, -1), 1, 40, 1)),
            Map.of(EAST, runs.drain()));
    assertThat(SubscriptionTranslator.floorIn(map, EAST, new Position(5, 30, Integer.MAX_VALUE), 1))
        .contains(new MappedPosition(new Position(5, 29, -1), 1, new Position(21, 14, -1)));
    assertThat(SubscriptionTranslator.floorIn(map, EAST, new Position(5, 30, Integer.MAX_VALUE), 0))
        .contains(new MappedPosition(new Position(5, 30, -1), 0, new Position(20, 15, -1)));
  }
}
