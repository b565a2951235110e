package io.georep.state;

import static io.georep.state.PositionRun.Step.BATCH;
import static io.georep.state.PositionRun.Step.ENTRY;
import static io.georep.state.PositionRunTest.pos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionMapTest {

  private static final SourcePartition P =
      new SourcePartition("east-to-west", "persistent://t/ns/orders-partition-0");

  /** Source batch (5, 10, 0..9) to unbatched target entries (100, 0..9) of partition 2. */
  private static final PositionRun A =
      new PositionRun(pos(5, 10, 0), BATCH, 2, pos(100, 0, -1), ENTRY, 10);

  /** Source batch (5, 11, 0..4) to target batch (100, 10, 0..4). */
  private static final PositionRun B =
      new PositionRun(pos(5, 11, 0), BATCH, 2, pos(100, 10, 0), BATCH, 5);

  /** Unbatched source entries (5, 12..20) to target batch (101, 0, 0..8). */
  private static final PositionRun C =
      new PositionRun(pos(5, 12, -1), ENTRY, 2, pos(101, 0, 0), BATCH, 9);

  /** After a gap: unbatched source entries (6, 0..2) to a non-partitioned target. */
  private static final PositionRun D =
      new PositionRun(pos(6, 0, -1), ENTRY, -1, pos(7, 3, -1), ENTRY, 3);

  @TempDir Path dir;

  private StateStore store;

  @BeforeEach
  void open() {
    store = StateStore.open(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void lookupFindsEveryMappedPositionAndNothingElse() {
    put(P, A, B, C, D);

    for (PositionRun run : List.of(A, B, C, D)) {
      for (int i = 0; i < run.length(); i++) {
        assertThat(map().lookup(P, run.sourceAt(i))).contains(run.mappingAt(i));
      }
    }
    assertThat(map().lookup(P, pos(5, 10, 10))).isEmpty(); // after A, before B
    assertThat(map().lookup(P, pos(5, 12, 0))).isEmpty(); // between two entries of C
    assertThat(map().lookup(P, pos(5, 21, -1))).isEmpty(); // the gap after C
    assertThat(map().lookup(P, pos(5, 9, -1))).isEmpty(); // before A
    assertThat(map().lookup(P, pos(6, 3, -1))).isEmpty(); // after D
    assertThat(map().lookup(new SourcePartition("east-to-west", "other"), A.sourceStart()))
        .isEmpty();
  }

  @Test
  void floorIsTheGreatestMappedPositionAtOrBefore() {
    put(P, A, B, C, D);

    assertThat(map().floor(P, pos(5, 9, 0))).isEmpty();
    assertThat(map().floor(P, pos(5, 10, 0))).contains(A.mappingAt(0));
    assertThat(map().floor(P, pos(5, 10, 4))).contains(A.mappingAt(4));
    assertThat(map().floor(P, pos(5, 10, 10))).contains(A.mappingAt(9));
    assertThat(map().floor(P, pos(5, 11, -1))).contains(A.mappingAt(9));
    assertThat(map().floor(P, pos(5, 11, 0))).contains(B.mappingAt(0));
    assertThat(map().floor(P, pos(5, 12, 3))).contains(C.mappingAt(0));
    assertThat(map().floor(P, pos(5, 500, -1))).contains(C.mappingAt(8));
    assertThat(map().floor(P, pos(6, 1, 0))).contains(D.mappingAt(1));
    assertThat(map().floor(P, pos(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE)))
        .contains(D.mappingAt(2));
  }

  @Test
  void ceilingIsTheLeastMappedPositionAtOrAfter() {
    put(P, A, B, C, D);

    assertThat(map().ceiling(P, pos(0, 0, -1))).contains(A.mappingAt(0));
    assertThat(map().ceiling(P, pos(5, 10, -1))).contains(A.mappingAt(0));
    assertThat(map().ceiling(P, pos(5, 10, 4))).contains(A.mappingAt(4));
    assertThat(map().ceiling(P, pos(5, 10, 10))).contains(B.mappingAt(0));
    assertThat(map().ceiling(P, pos(5, 11, 4))).contains(B.mappingAt(4));
    assertThat(map().ceiling(P, pos(5, 11, 5))).contains(C.mappingAt(0));
    assertThat(map().ceiling(P, pos(5, 12, 3))).contains(C.mappingAt(1));
    assertThat(map().ceiling(P, pos(5, 21, -1))).contains(D.mappingAt(0));
    assertThat(map().ceiling(P, pos(6, 2, -1))).contains(D.mappingAt(2));
    assertThat(map().ceiling(P, pos(6, 2, 0))).isEmpty();
  }

  @Test
  void earliestAndLatest() {
    assertThat(map().earliest(P)).isEmpty();
    assertThat(map().latest(P)).isEmpty();

    put(P, A, B, C, D);

    assertThat(map().earliest(P)).contains(pos(5, 10, 0));
    assertThat(map().latest(P)).contains(pos(6, 2, -1));
  }

  @Test
  void linksAndTopicsWhoseNamesArePrefixesOfOthersStayApart() {
    SourcePartition ofA = new SourcePartition("a", "t");
    SourcePartition ofAb = new SourcePartition("ab", "t");
    SourcePartition ofAt2 = new SourcePartition("a", "t2");
    PositionRun low = new PositionRun(pos(1, 0, -1), ENTRY, 0, pos(9, 0, -1), ENTRY, 5);
    PositionRun mid = new PositionRun(pos(10, 0, -1), ENTRY, 0, pos(9, 100, -1), ENTRY, 5);
    PositionRun high = new PositionRun(pos(20, 0, -1), ENTRY, 0, pos(9, 200, -1), ENTRY, 5);
    // keys: a\0t\0 (mid) < a\0t2\0 (low, high) < ab\0t\0 (low, high)
    put(ofA, mid);
    put(ofAt2, low, high);
    put(ofAb, low, high);

    assertThat(map().floor(ofA, pos(5, 0, -1))).isEmpty();
    assertThat(map().floor(ofA, pos(30, 0, -1))).contains(mid.mappingAt(4));
    assertThat(map().ceiling(ofA, pos(15, 0, -1))).isEmpty();
    assertThat(map().lookup(ofA, pos(20, 0, -1))).isEmpty();
    assertThat(map().latest(ofA)).contains(pos(10, 4, -1));

    assertThat(map().floor(ofAt2, pos(5, 0, -1))).contains(low.mappingAt(4));
    assertThat(map().ceiling(ofAb, pos(0, 0, -1))).contains(low.mappingAt(0));
    assertThat(map().floor(ofAb, pos(0, 0, -1))).isEmpty();
    assertThat(map().earliest(ofAb)).contains(pos(1, 0, -1));

    assertThat(map().stats("a")).isEqualTo(statsOf(ofA, mid, ofAt2, low, high));
    assertThat(map().stats("ab")).isEqualTo(statsOf(ofAb, low, high));
    assertThat(map().stats("b")).isEqualTo(new PositionMap.Stats(0, 0, 0));

    assertThat(map().prune(ofA, 100)).isEqualTo(1);
    map().deleteAll(ofAt2);
    assertThat(map().stats("a").runs()).isZero();
    assertThat(map().stats("ab").runs()).isEqualTo(2);
  }

  @Test
  void forEachRunVisitsTheRunsOverlappingTheRange() {
    put(P, A, B, C, D);

    assertThat(runs(pos(5, 10, 5), pos(5, 12, -1))).containsExactly(A, B, C);
    assertThat(runs(pos(5, 10, 10), pos(5, 11, 0))).containsExactly(B);
    assertThat(runs(pos(5, 21, -1), pos(5, 30, -1))).isEmpty();
    assertThat(runs(pos(5, 20, 0), pos(6, 0, -1))).containsExactly(D);
    assertThat(runs(pos(0, 0, -1), pos(9, 0, -1))).containsExactly(A, B, C, D);
    assertThat(runs(pos(6, 2, -1), pos(6, 2, -1))).containsExactly(D);
    assertThatThrownBy(() -> runs(pos(6, 0, -1), pos(5, 0, -1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pruneRemovesExactlyTheRunsOfEarlierLedgers() {
    SourcePartition other = new SourcePartition("east-to-west", "persistent://t/ns/other");
    List<PositionRun> runs = new ArrayList<>();
    for (long ledger = 3; ledger <= 6; ledger++) {
      for (int entry = 0; entry < 4; entry++) {
        runs.add(
            new PositionRun(
                pos(ledger, entry * 10, -1), ENTRY, 0, pos(9, ledger * 100 + entry, 0), BATCH, 3));
      }
    }
    put(P, runs.toArray(PositionRun[]::new));
    put(other, runs.toArray(PositionRun[]::new));

    assertThat(map().prune(P, 3)).isZero();
    assertThat(map().prune(P, 5)).isEqualTo(8);
    assertThat(map().prune(P, 5)).isZero();

    assertThat(map().earliest(P)).contains(pos(5, 0, -1));
    assertThat(runs(pos(0, 0, -1), pos(100, 0, -1))).isEqualTo(runs.subList(8, 16));
    assertThat(map().earliest(other)).contains(pos(3, 0, -1));

    assertThat(map().prune(P, Long.MAX_VALUE)).isEqualTo(8);
    assertThat(map().earliest(P)).isEmpty();
    assertThat(map().stats("east-to-west").runs()).isEqualTo(16);
  }

  @Test
  void deleteAllRemovesOnlyThatPartition() {
    SourcePartition other = new SourcePartition("east-to-west", "persistent://t/ns/other");
    put(P, A, B);
    put(other, A);

    map().deleteAll(P);
    map().deleteAll(new SourcePartition("nowhere", "t"));

    assertThat(map().earliest(P)).isEmpty();
    assertThat(map().lookup(other, A.sourceStart())).contains(A.mappingAt(0));
  }

  @Test
  void putAllWritesCheckpointsAndRunsTogether() {
    Checkpoint checkpoint =
        new Checkpoint(B.sourceEnd(), 42, B.targetEnd(), 1_700_000_000_000L, 15, 1_700_000_001L);

    store.checkpoints().putAll(Map.of(P, checkpoint), Map.of(P, List.of(A, B)));

    assertThat(store.checkpoints().get(P)).contains(checkpoint);
    assertThat(runs(pos(0, 0, -1), pos(9, 0, -1))).containsExactly(A, B);
  }

  @Test
  void putAllWritesNothingWhenRunsOverlap() {
    Checkpoint checkpoint = new Checkpoint(B.sourceEnd(), 1, B.targetEnd(), 1, 1, 1);
    PositionRun overlapping =
        new PositionRun(pos(5, 10, 9), BATCH, 2, pos(200, 0, -1), ENTRY, 1); // A's last message
    Map<SourcePartition, List<PositionRun>> runs = new LinkedHashMap<>();
    runs.put(new SourcePartition("east-to-west", "fine"), List.of(C));
    runs.put(P, List.of(A, overlapping));

    assertThatThrownBy(() -> store.checkpoints().putAll(Map.of(P, checkpoint), runs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap or are out of order")
        .hasMessageContaining(P.toString());
    assertThatThrownBy(() -> store.checkpoints().putAll(Map.of(), Map.of(P, List.of(B, A))))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.checkpoints().get(P)).isEmpty();
    assertThat(map().stats("east-to-west").runs()).isZero();
  }

  @Test
  void putAllWritesNoRunWhenACheckpointIsInvalid() {
    Map<SourcePartition, Checkpoint> checkpoints = new LinkedHashMap<>();
    checkpoints.put(P, null);

    assertThatThrownBy(() -> store.checkpoints().putAll(checkpoints, Map.of(P, List.of(A))))
        .isInstanceOf(NullPointerException.class);
    assertThat(map().earliest(P)).isEmpty();
  }

  @Test
  void aRunWrittenAgainWithTheSameStartReplacesTheStoredOne() {
    PositionRun shorter = new PositionRun(pos(5, 10, 0), BATCH, 2, pos(100, 0, -1), ENTRY, 4);

    put(P, shorter);
    put(P, A);

    assertThat(runs(pos(0, 0, -1), pos(9, 0, -1))).containsExactly(A);
    assertThat(map().stats("east-to-west").runs()).isEqualTo(1);
  }

  @Test
  void theMapSurvivesAReopen() {
    put(P, A, B, C, D);
    PositionMap.Stats before = map().stats("east-to-west");

    store.close();
    store = StateStore.open(dir);

    assertThat(map().stats("east-to-west")).isEqualTo(before);
    assertThat(runs(pos(0, 0, -1), pos(9, 0, -1))).containsExactly(A, B, C, D);
  }

  @Test
  void everyMessageForwardedThroughABuilderIsFoundAgain() {
    Random random = new Random(7);
    PositionRunBuilder builder = new PositionRunBuilder();
    Map<Position, MappedPosition> forwarded = new LinkedHashMap<>();
    long sourceLedger = 3;
    long sourceEntry = 0;
    long targetEntry = 0;
    int targetBatch = 0;
    for (int entries = 0; entries < 3_000; entries++) {
      // source: a mix of unbatched messages and batches of 1 to 8, with filtered gaps
      int batchSize = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(8);
      for (int i = 0; i < batchSize; i++) {
        Position source = pos(sourceLedger, sourceEntry, batchSize == 1 ? -1 : i);
        if (random.nextInt(20) == 0) {
          continue; // filtered out, not forwarded
        }
        // target: batches of 1 to 5, one partition of two
        if (targetBatch == 0 || random.nextInt(4) == 0) {
          targetEntry++;
          targetBatch = 0;
        }
        Position target = pos(1_000, targetEntry, targetBatch++);
        int partition = random.nextInt(50) == 0 ? 1 : 0;
        builder.add(source, partition, target);
        forwarded.put(source, new MappedPosition(source, partition, target));
        if (random.nextInt(100) == 0) {
          store.checkpoints().putAll(Map.of(), Map.of(P, builder.drain()));
        }
      }
      sourceEntry++;
      if (random.nextInt(500) == 0) {
        sourceLedger++;
        sourceEntry = 0;
      }
    }
    store.checkpoints().putAll(Map.of(), Map.of(P, builder.drain()));

    for (MappedPosition mapped : forwarded.values()) {
      assertThat(map().lookup(P, mapped.source())).contains(mapped);
    }
    assertThat(map().stats("east-to-west").messages()).isEqualTo(forwarded.size());
  }

  @Test
  void operationsAfterCloseThrow() {
    store.close();

    assertThatThrownBy(() -> map().lookup(P, A.sourceStart()))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(() -> map().prune(P, 10))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("is closed");
  }

  private PositionMap map() {
    return store.positionMap();
  }

  private void put(SourcePartition partition, PositionRun... runs) {
    store.checkpoints().putAll(Map.of(), Map.of(partition, List.of(runs)));
  }

  private List<PositionRun> runs(Position from, Position to) {
    List<PositionRun> runs = new ArrayList<>();
    map().forEachRun(P, from, to, runs::add);
    return runs;
  }

  private static PositionMap.Stats statsOf(Object... partitionsAndRuns) {
    long runs = 0;
    long messages = 0;
    long bytes = 0;
    byte[] prefix = null;
    for (Object item : partitionsAndRuns) {
      if (item instanceof SourcePartition partition) {
        prefix = PositionMapCodec.partitionPrefix(partition);
      } else {
        PositionRun run = (PositionRun) item;
        runs++;
        messages += run.length();
        bytes +=
            PositionMapCodec.encodeKey(prefix, run.sourceStart()).length
                + PositionMapCodec.encodeValue(run).length;
      }
    }
    return new PositionMap.Stats(runs, messages, bytes);
  }
}
