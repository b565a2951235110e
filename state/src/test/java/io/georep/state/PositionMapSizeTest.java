package io.georep.state;

import static io.georep.state.PositionRunTest.pos;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the position map of one million messages forwarded the way a busy partition is: source
 * batches of 50 to 150 messages (100 on average), target batches of 25 to 75 (50 on average) cut
 * independently of the source batches, both ledgers rolling over every 50,000 entries, and the runs
 * drained and written with a checkpoint every 1,000 messages (100 ms at 10,000 messages/s).
 *
 * <p>The bound: a run ends exactly where a source batch or a target batch ends (a ledger rollover
 * ends a batch too; drains do not cut runs), so there are about {@code 1,000,000 / 100 + 1,000,000
 * / 50 = 30,000} runs, a few fewer where the two kinds of batch end together; the test counts the
 * batch ends it generates and checks the run count against them exactly. Each run costs a key of
 * {@code link + topic + 22 = 78} bytes and a value of at most 10 bytes (length under 128, partition
 * under 127, target ledger and entry ids under 2^21, batch index under 127), so at most 88 bytes.
 * With 3% slack for the random batch sizes: {@code 30,900 * 88 = 2,719,200} bytes of keys and
 * values per million messages, before RocksDB's prefix and block compression, which the on-disk
 * figure printed beside it shows. Measured: 29,829 runs, 2,608,361 bytes (87.4 a run, 2.6 a
 * message), 466,628 bytes of SST files.
 */
class PositionMapSizeTest {

  private static final int MESSAGES = 1_000_000;
  private static final int DRAIN_EVERY = 1_000;
  private static final long ENTRIES_PER_LEDGER = 50_000;
  private static final SourcePartition PARTITION =
      new SourcePartition("east-to-west", "persistent://sales/orders/orders-partition-0");
  private static final int TARGET_PARTITION = 3;

  private static final long MAX_RUNS = 30_900;
  private static final long MAX_BYTES_PER_RUN = 88;
  private static final long MAX_BYTES_PER_MILLION_MESSAGES = MAX_RUNS * MAX_BYTES_PER_RUN;

  @TempDir Path dir;

  @Test
  void aMillionMessagesFitTheBound() throws IOException {
    Random random = new Random(20_240_601);
    Side source = new Side(1_234_567, 47_000, 50, 150, random);
    Side target = new Side(987_654, 41_000, 25, 75, random);
    List<MappedPosition> sample = new ArrayList<>();
    long expectedRuns = 1;
    PositionMap.Stats stats;
    try (StateStore store = StateStore.open(dir)) {
      PositionRunBuilder builder = new PositionRunBuilder();
      for (int i = 0; i < MESSAGES; i++) {
        if (i > 0 && (source.startsBatch() || target.startsBatch())) {
          expectedRuns++;
        }
        Position from = source.next();
        Position to = target.next();
        builder.add(from, TARGET_PARTITION, to);
        if (i % 997 == 0) {
          sample.add(new MappedPosition(from, TARGET_PARTITION, to));
        }
        if ((i + 1) % DRAIN_EVERY == 0) {
          Checkpoint checkpoint = new Checkpoint(from, i, to, i, i + 1, i);
          store
              .checkpoints()
              .putAll(Map.of(PARTITION, checkpoint), Map.of(PARTITION, builder.drain()));
        }
      }
      store.checkpoints().putAll(Map.of(), Map.of(PARTITION, builder.drain()));

      stats = store.positionMap().stats(PARTITION.link());
      for (MappedPosition mapped : sample) {
        assertThat(store.positionMap().lookup(PARTITION, mapped.source())).contains(mapped);
      }
    }
    long onDisk = sstBytes(dir);

    System.out.printf(
        "position map of %,d messages: %,d runs (%.1f messages a run), %,d bytes of keys and"
            + " values (%.1f a run, %.2f a message), %,d bytes of SST files on disk; source and"
            + " target ledgers rolled over %d and %d times%n",
        stats.messages(),
        stats.runs(),
        (double) stats.messages() / stats.runs(),
        stats.bytes(),
        (double) stats.bytes() / stats.runs(),
        (double) stats.bytes() / stats.messages(),
        onDisk,
        source.rollovers,
        target.rollovers);

    assertThat(stats.messages()).isEqualTo(MESSAGES);
    assertThat(stats.runs()).isEqualTo(expectedRuns).isLessThanOrEqualTo(MAX_RUNS);
    assertThat(source.rollovers).isPositive();
    assertThat(target.rollovers).isPositive();
    assertThat(stats.bytes()).isLessThanOrEqualTo(stats.runs() * MAX_BYTES_PER_RUN);
    assertThat(stats.bytes()).isLessThanOrEqualTo(MAX_BYTES_PER_MILLION_MESSAGES);
    assertThat(onDisk).isLessThan(stats.bytes());
  }

  private static long sstBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path file : files.filter(f -> f.toString().endsWith(".sst")).toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  /** The positions of one side: batches of random size, a new ledger every 50,000 entries. */
  private static final class Side {
    private final int minBatch;
    private final int maxBatch;
    private final Random random;
    private long ledgerId;
    private long entryId;
    private int batchSize;
    private int batchIndex;
    int rollovers;

    Side(long ledgerId, long entryId, int minBatch, int maxBatch, Random random) {
      this.ledgerId = ledgerId;
      this.entryId = entryId - 1;
      this.minBatch = minBatch;
      this.maxBatch = maxBatch;
      this.random = random;
    }

    /** Whether the next position is the first of a batch. */
    boolean startsBatch() {
      return batchIndex == batchSize;
    }

    Position next() {
      if (startsBatch()) {
        entryId++;
        if (entryId == ENTRIES_PER_LEDGER) {
          ledgerId += 1 + random.nextInt(100); // other topics' ledgers come between
          entryId = 0;
          rollovers++;
        }
        batchSize = minBatch + random.nextInt(maxBatch - minBatch + 1);
        batchIndex = 0;
      }
      return pos(ledgerId, entryId, batchIndex++);
    }
  }
}
