package io.georep.state;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run as a child JVM by {@link CheckpointStoreCrashTest}: opens the store in {@code args[0]} and
 * writes batch after batch of checkpoints, printing {@code written N} once batch {@code N}'s {@code
 * putAll} has returned, until it is killed (or its stdout is gone).
 *
 * <p>Batch {@code n} adds {@link #PARTITIONS_PER_BATCH} new partitions and overwrites {@link
 * #LATEST}, whose checkpoint names {@code n}, so a reader can tell which batch was the last one
 * stored and compare the whole store with {@link #expectedAfter}.
 */
public final class CheckpointWriterMain {

  static final String LINK = "crash";
  static final int PARTITIONS_PER_BATCH = 20;
  static final SourcePartition LATEST = new SourcePartition(LINK, "persistent://t/ns/latest");

  private static final long MAX_BATCHES = 1_000_000;

  private CheckpointWriterMain() {}

  public static void main(String[] args) {
    try (StateStore store = StateStore.open(Path.of(args[0]))) {
      for (long n = 1; n <= MAX_BATCHES; n++) {
        store.checkpoints().putAll(batch(n));
        System.out.println("written " + n);
        if (System.out.checkError()) {
          return; // the test is gone
        }
      }
    }
  }

  static Map<SourcePartition, Checkpoint> batch(long n) {
    Map<SourcePartition, Checkpoint> batch = new LinkedHashMap<>();
    for (int i = 0; i < PARTITIONS_PER_BATCH; i++) {
      batch.put(partition(n, i), checkpoint(n, i));
    }
    batch.put(LATEST, checkpoint(n, PARTITIONS_PER_BATCH));
    return batch;
  }

  /** Everything the store holds after batches 1 to {@code last}, and nothing of later ones. */
  static Map<SourcePartition, Checkpoint> expectedAfter(long last) {
    Map<SourcePartition, Checkpoint> expected = new LinkedHashMap<>();
    for (long n = 1; n <= last; n++) {
      expected.putAll(batch(n));
    }
    return expected;
  }

  /** The batch whose write is recorded in this checkpoint of {@link #LATEST}. */
  static long batchOf(Checkpoint latest) {
    return latest.source().ledgerId();
  }

  private static SourcePartition partition(long n, int i) {
    return new SourcePartition(LINK, "persistent://t/ns/orders-" + n + "-partition-" + i);
  }

  private static Checkpoint checkpoint(long n, int i) {
    return new Checkpoint(
        new Position(n, i, i % 2 == 0 ? -1 : i),
        n * 1_000 + i,
        new Position(n + 1_000_000, i * 7L, -1),
        1_700_000_000_000L + n,
        n * PARTITIONS_PER_BATCH + i,
        1_800_000_000_000L + n * 3 + i);
  }
}
