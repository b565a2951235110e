package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.state.SequenceAnchor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceNumberingTest {

  @Test
  void everyPositionPulsarCanProduceGetsAStrictlyGrowingId() {
    SequenceNumbering numbering = new SequenceNumbering(List.of(), -1);
    long[] ledgers = {3, (1L << 31) - 1, 1L << 31, 1L << 40, Long.MAX_VALUE / 2};
    long[] entries = {0, 100, 4_194_303, 4_194_404, 50_000_000};
    int[] batchSizes = {0, 1, 1_023, 1_024, 10_000, 100_000};
    long previous = -1;
    for (long ledger : ledgers) {
      for (long firstEntry : entries) {
        for (int k = 0; k < batchSizes.length; k++) {
          // Each batch size in an entry of its own: an entry has one size.
          long entry = firstEntry + k;
          int size = batchSizes[k];
          int[] indexes =
              size == 0
                  ? new int[] {-1}
                  : java.util.stream.IntStream.of(0, size / 2, size - 1).distinct().toArray();
          for (int b : indexes) {
            long id = numbering.idOf(ledger, entry, b, size);
            assertThat(id).as("%d:%d:%d of %d", ledger, entry, b, size).isGreaterThan(previous);
            previous = id;
          }
        }
      }
    }
  }

  @Test
  void aReplayFromTheSavedAnchorsNumbersEveryMessageAsTheFirstRunDid() {
    SequenceNumbering first = new SequenceNumbering(List.of(), -1);
    List<long[]> positions = randomWalk(new Random(7), 5_000);
    List<Long> ids = new ArrayList<>();
    for (long[] p : positions) {
      ids.add(first.idOf(p[0], p[1], (int) p[2], (int) p[3]));
    }
    List<SequenceAnchor> saved = first.unsaved();

    // A second run over the same messages, with a floor below them (the checkpoint was early).
    SequenceNumbering replay = new SequenceNumbering(saved, ids.get(10));
    for (int i = 0; i < positions.size(); i++) {
      long[] p = positions.get(i);
      assertThat(replay.idOf(p[0], p[1], (int) p[2], (int) p[3])).isEqualTo(ids.get(i));
    }
    assertThat(replay.hasUnsaved()).isFalse();
  }

  @Test
  void aReplayThatLostMessagesToTtlStillGivesNewMessagesHigherIdsThanAnyUsed() {
    SequenceNumbering first = new SequenceNumbering(List.of(), -1);
    long last = -1;
    for (long entry = 0; entry < 100; entry++) {
      last = first.idOf(10, entry, -1, 0);
    }
    long lastOfLedger11 = first.idOf(11, 0, 4, 5);
    List<SequenceAnchor> saved = first.unsaved();
    // The checkpoint stayed at 10:49; TTL removed everything up to ledger 12 meanwhile. The target
    // holds everything the first run sent (its last sequence id is the floor).
    SequenceNumbering second = new SequenceNumbering(saved, lastOfLedger11);

    long next = second.idOf(12, 0, -1, 0);

    assertThat(next).isGreaterThan(lastOfLedger11).isGreaterThan(last);
    assertThat(second.unsaved()).containsExactly(new SequenceAnchor(12, 0, next, 1L << 20));
  }

  @Test
  void anEntryLargerThanTheWidthGetsAnAnchorOfItsOwnAndEntriesAfterItStillGrow() {
    SequenceNumbering numbering = new SequenceNumbering(List.of(), -1, 16);
    long a = numbering.idOf(5, 0, 14, 15);
    long b0 = numbering.idOf(5, 1, 0, 40);
    long b39 = numbering.idOf(5, 1, 39, 40);
    long c = numbering.idOf(5, 2, -1, 0);

    assertThat(a).isLessThan(b0);
    assertThat(b39 - b0).isEqualTo(39);
    assertThat(c).isGreaterThan(b39);
    assertThat(numbering.unsaved())
        .extracting(SequenceAnchor::entryId, SequenceAnchor::width)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, 16L),
            org.assertj.core.groups.Tuple.tuple(1L, 64L));
  }

  @Test
  void anEntryForwardedWholeGetsTheIdOfItsLastMessage() {
    SequenceNumbering messages = new SequenceNumbering(List.of(), -1);
    SequenceNumbering entries = new SequenceNumbering(List.of(), -1);
    long lastMessage = 0;
    for (int b = 0; b < 100_000; b++) {
      lastMessage = messages.idOf(7, 3, b, 100_000);
    }

    assertThat(entries.idOf(7, 3, 99_999, 100_000)).isEqualTo(lastMessage);
    // The next entry, in either mode, is above every message of this one.
    assertThat(entries.idOf(7, 4, 0, 2)).isGreaterThan(lastMessage);
  }

  @Test
  void anchorsBeforeTheCheckpointAreNotKept() {
    SequenceNumbering numbering = new SequenceNumbering(List.of(), -1);
    numbering.idOf(1, 0, -1, 0);
    numbering.idOf(2, 5, -1, 0);
    numbering.idOf(3, 0, -1, 0);

    assertThat(numbering.anchorsFrom(new io.georep.state.Position(2, 9, -1)))
        .extracting(SequenceAnchor::ledgerId)
        .containsExactly(2L, 3L);
    assertThat(numbering.anchorsFrom(new io.georep.state.Position(2, 2, -1)))
        .extracting(SequenceAnchor::ledgerId)
        .containsExactly(2L, 3L);
  }

  @Test
  void savedAnchorsThatContradictTheOrderDegradeToNumberingAboveEverythingAndSaySo() {
    SequenceAnchor later = new SequenceAnchor(9, 0, 1_000, 1L << 20);
    SequenceNumbering numbering = new SequenceNumbering(List.of(later), 500);

    long id = numbering.idOf(8, 0, -1, 0);

    assertThat(id).isGreaterThan(1_000);
    assertThat(numbering.takeDegradation()).contains("8:0").contains("9:0");
    assertThat(numbering.idOf(9, 0, -1, 0)).isGreaterThan(id);
    assertThat(numbering.takeDegradation()).isNull();
  }

  /** Positions in source order: ledgers with growing gaps, batches of every size. */
  private static List<long[]> randomWalk(Random random, int count) {
    List<long[]> positions = new ArrayList<>();
    long ledger = 1;
    long entry = 0;
    for (int i = 0; i < count; i++) {
      if (random.nextInt(100) == 0) {
        ledger += 1 + random.nextInt(1_000_000);
        entry = random.nextInt(3);
      } else {
        entry += 1 + (random.nextInt(10) == 0 ? random.nextInt(5_000_000) : 0);
      }
      int size =
          random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 10 : 200_000);
      if (size == 0) {
        positions.add(new long[] {ledger, entry, -1, 0});
      } else {
        positions.add(new long[] {ledger, entry, 0, size});
        positions.add(new long[] {ledger, entry, size - 1, size});
      }
    }
    return positions;
  }
}
