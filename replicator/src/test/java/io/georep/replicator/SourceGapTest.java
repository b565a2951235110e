package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.Position;
import org.apache.pulsar.common.policies.data.PersistentTopicInternalStats;
import org.junit.jupiter.api.Test;

class SourceGapTest {

  private static PersistentTopicInternalStats stats(String markDelete, long[]... ledgers) {
    return SourceStats.of("georep-x", markDelete, ledgers);
  }

  @Test
  void noGapWhileTheCursorIsAtOrBehindTheCheckpoint() {
    long[][] ledgers = {{7, 100}};
    assertThat(SourceGap.of(stats("7:40", ledgers), "georep-x", new Position(7, 40, 3))).isNull();
    assertThat(SourceGap.of(stats("7:39", ledgers), "georep-x", new Position(7, 40, 3))).isNull();
    assertThat(SourceGap.of(stats("7:39", ledgers), "other", new Position(7, 10, -1))).isNull();
  }

  @Test
  void countsSkippedEntriesInTheSameLedger() {
    SourceGap gap =
        SourceGap.of(stats("7:90", new long[][] {{7, 100}}), "georep-x", new Position(7, 40, -1));
    assertThat(gap.entries()).isEqualTo(50);
    assertThat(gap.exact()).isTrue();
    assertThat(gap.describe("persistent://t/n/x"))
        .startsWith(
            "50 source entries of persistent://t/n/x after georep's checkpoint 7:40 up to 7:90");
  }

  @Test
  void countsAcrossLedgersAndIgnoresAMoveToTheNextLedgersStart() {
    long[][] ledgers = {{7, 100}, {9, 30}, {12, 10}};
    SourceGap gap = SourceGap.of(stats("12:4", ledgers), "georep-x", new Position(7, 89, 0));
    // 10 left in ledger 7, all 30 of ledger 9, entries 0..4 of ledger 12
    assertThat(gap.entries()).isEqualTo(10 + 30 + 5);
    // The cursor moved to (next ledger, -1) at the end of ledger 7: nothing was lost.
    assertThat(SourceGap.of(stats("9:-1", ledgers), "georep-x", new Position(7, 99, -1))).isNull();
  }

  @Test
  void aDeletedCheckpointLedgerMakesTheCountALowerBound() {
    SourceGap gap =
        SourceGap.of(stats("9:9", new long[][] {{9, 30}}), "georep-x", new Position(7, 50, -1));
    assertThat(gap.entries()).isEqualTo(10);
    assertThat(gap.exact()).isFalse();
    assertThat(gap.describe("t")).startsWith("at least 10 source entries");
  }
}
