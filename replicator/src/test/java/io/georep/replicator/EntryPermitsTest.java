package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.LimitsConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryPermitsTest {
  /** A share of 1 MiB: a budget of 1 MiB, or of 8 MiB over eight consumers. */
  private static ReceiveQueueBudget oneMiB() {
    return new ReceiveQueueBudget(1024 * 1024);
  }

  // Each simulation step: the broker sends what its permits allow, the consumer answers each
  // arrival with permits, then takes one entry (and answers that too).

  /**
   * A broker without preciseDispatcherFlowControl, as Pulsar's single-active-consumer dispatcher
   * reads: while it holds permits it reads min(permits, 100) entries within 5 MB, and each entry it
   * sends takes all its messages off the permits.
   */
  private static final class Broker {
    final Object connection = new Object();
    final ArrayDeque<Integer> backlog = new ArrayDeque<>(); // entry ids
    final int messagesPerEntry;
    final int bytesPerEntry;
    long permits;
    final List<Integer> readSizes = new ArrayList<>();

    Broker(int messagesPerEntry, int bytesPerEntry) {
      this.messagesPerEntry = messagesPerEntry;
      this.bytesPerEntry = bytesPerEntry;
    }

    /** Reads and sends what its permits allow; returns the entries sent, in order. */
    List<Integer> dispatch() {
      List<Integer> sent = new ArrayList<>();
      while (permits > 0 && !backlog.isEmpty()) {
        long n = Math.min(Math.min(permits, 100), Math.max(1, 5_000_000 / bytesPerEntry));
        int read = 0;
        while (read < n && !backlog.isEmpty()) {
          sent.add(backlog.pollFirst());
          permits -= messagesPerEntry;
          read++;
        }
        readSizes.add(read);
      }
      return sent;
    }
  }

  /** The consumer's side: arrivals queue up and are answered with permits at once. */
  private static final class Consumer {
    final EntryPermits permits;
    final ArrayDeque<Integer> queue = new ArrayDeque<>();
    int mostQueued;
    int flows; // FLOW commands: grants of at least one permit

    Consumer() {
      this(oneMiB());
    }

    Consumer(ReceiveQueueBudget budget) {
      permits = new EntryPermits(budget);
    }

    void connect(Broker broker) {
      give(broker, permits.grant(broker.connection, queue.size()));
    }

    void give(Broker broker, long grant) {
      if (grant > 0) {
        flows++;
        broker.permits += grant;
      }
    }

    void receive(Broker broker, List<Integer> entries) {
      for (int entry : entries) {
        queue.addLast(entry);
        mostQueued = Math.max(mostQueued, queue.size());
        permits.arrived(broker.connection, broker.messagesPerEntry, broker.bytesPerEntry);
        give(broker, permits.grant(broker.connection, queue.size()));
      }
    }

    Integer take(Broker broker) {
      Integer entry = queue.pollFirst();
      give(broker, permits.grant(broker.connection, queue.size()));
      return entry;
    }
  }

  @Test
  void aBacklogOfLargeBatchesIsReadInChunksOfEntriesNotInBurstsOfItsMessages() {
    // 1 KB messages in batches of 126: 128 KB entries; 1 MiB is 8 of them.
    Broker broker = new Broker(126, 128 * 1024);
    for (int i = 0; i < 1_000; i++) {
      broker.backlog.add(i);
    }
    Consumer consumer = new Consumer();
    consumer.connect(broker);
    List<Integer> taken = new ArrayList<>();
    int emptyTakes = 0;
    while (taken.size() < 1_000) {
      consumer.receive(broker, broker.dispatch());
      Integer entry = consumer.take(broker);
      if (entry == null) {
        emptyTakes++;
      } else {
        taken.add(entry);
      }
    }
    assertThat(taken)
        .as("every entry once, in order")
        .isSorted()
        .hasSize(1_000)
        .doesNotHaveDuplicates();
    assertThat(consumer.permits.targetEntries()).isEqualTo(8);
    // The first read is one entry (sizes unknown); then chunks of half the target, never more
    // than the target. With message-sized permits (8 x 126) the broker read 38 entries (5 MB).
    assertThat(broker.readSizes.get(0)).isEqualTo(1);
    assertThat(broker.readSizes.subList(1, broker.readSizes.size() - 1))
        .allSatisfy(n -> assertThat(n).isBetween(4, 8));
    assertThat(consumer.mostQueued).isLessThanOrEqualTo(8);
    // Reads are asked for before the queue runs dry: the taker waited only at the start.
    assertThat(emptyTakes).isLessThanOrEqualTo(1);
  }

  @Test
  void atTheEndOfTheTopicTheBrokerAlwaysHoldsPermitsForTheNextEntryWritten() {
    // Streaming: small batches written one at a time; the taker is slower than the writer.
    Broker broker = new Broker(47, 48 * 1024);
    Consumer consumer = new Consumer();
    consumer.connect(broker);
    int written = 0;
    for (int round = 0; round < 200; round++) {
      broker.backlog.add(written++);
      consumer.receive(broker, broker.dispatch());
      int target = consumer.permits.targetEntries();
      if (consumer.queue.size() < target / 2) {
        assertThat(broker.permits)
            .as("round %d, %d queued of %d", round, consumer.queue.size(), target)
            .isPositive();
      }
      if (round % 2 == 0) {
        consumer.take(broker);
      }
    }
    // The queue grew (the taker is slower) up to its target and no further: the broker was held
    // back with what the taker had not taken yet.
    int target = consumer.permits.targetEntries();
    assertThat(target).isEqualTo(21); // 1 MiB of 48 KB entries
    assertThat(consumer.mostQueued).isBetween(target / 2, target);
    assertThat(broker.backlog).isNotEmpty();
  }

  @Test
  void aNewConnectionStartsFromNothingAndIsGrantedWhatIsMissing() {
    EntryPermits permits = new EntryPermits(oneMiB());
    Object first = new Object();
    assertThat(permits.grant(first, 0)).as("one entry until sizes are known").isEqualTo(1);
    permits.arrived(first, 1_000, 100_000);
    // 1 MiB of 100 KB entries is 10; one is queued, the broker holds 1 - 1,000.
    assertThat(permits.grant(first, 1)).isEqualTo(9 + 999);
    assertThat(permits.held()).isEqualTo(9);
    // Reconnected: the broker starts the new connection at zero permits, and old arrivals
    // (replays now) do not count against it.
    Object second = new Object();
    assertThat(permits.grant(second, 1)).isEqualTo(9);
    permits.arrived(first, 1_000, 100_000);
    assertThat(permits.held()).isEqualTo(9);
    assertThat(permits.grant(null, 0)).as("no connection, nothing to grant").isZero();
    // Registered afresh on the same connection (after a seek): the broker holds nothing again.
    permits.subscribed(second);
    assertThat(permits.held()).isZero();
    assertThat(permits.grant(second, 0)).isEqualTo(10);
  }

  @Test
  void takingAFewEntriesWaitsForHalfTheTargetBeforeAskingAgain() {
    EntryPermits permits = new EntryPermits(oneMiB());
    Object cnx = new Object();
    permits.grant(cnx, 0);
    permits.arrived(cnx, 126, 128 * 1024); // target 8 from now on
    assertThat(permits.grant(cnx, 1)).isEqualTo(7 + 125);
    for (int i = 0; i < 7; i++) {
      permits.arrived(cnx, 126, 128 * 1024);
      permits.grant(cnx, 2 + i);
    }
    // Past half the target, arrivals are not given back: the broker holds none and reads nothing.
    long held = permits.held();
    assertThat(held).as("8 queued, none wanted").isNegative();
    // Taken down to 7, 6, 5: nothing yet (the broker would read one entry per take).
    assertThat(permits.grant(cnx, 7)).isZero();
    assertThat(permits.grant(cnx, 6)).isZero();
    assertThat(permits.grant(cnx, 5)).isZero();
    // At 4, half the target is missing: the debt is paid and 4 entries are asked for.
    assertThat(permits.grant(cnx, 4)).isEqualTo(4 - held);
    assertThat(permits.held()).isEqualTo(4);
  }

  @Test
  void aThousandConsumersAskForTheBudgetPlusAtMostOneEntryEach() {
    // The memory scenario in entries: 1,000 partitions share the default 8 MiB (8,388 bytes
    // each). Entries of 4 KB fit twice; entries of 128 KB not at all, and each consumer still
    // asks for one (before, a floor of 1 MiB and of 4 entries: 4 x 128 KB each, 500 MB in all).
    for (int entryBytes : new int[] {1024, 4 * 1024, 128 * 1024}) {
      ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
      List<EntryPermits> consumers = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        budget.join();
        EntryPermits permits = new EntryPermits(budget);
        permits.subscribed(budget);
        permits.arrived(budget, entryBytes / 1024, entryBytes);
        consumers.add(permits);
      }
      long wanted = consumers.stream().mapToLong(p -> (long) p.targetEntries() * entryBytes).sum();
      assertThat(wanted)
          .as("entries of %d bytes", entryBytes)
          .isLessThanOrEqualTo(budget.totalBytes() + 1_000L * entryBytes);
      if (entryBytes <= budget.share()) {
        assertThat(wanted).isLessThanOrEqualTo(budget.totalBytes());
      }
      assertThat(consumers).allSatisfy(p -> assertThat(p.targetEntries()).isPositive());
    }
  }

  @Test
  void aShareSmallerThanAnEntryStillMovesOneEntryAtATime() {
    // 1,000 consumers of the default budget, entries of 128 KB: one at a time, all delivered.
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    for (int i = 0; i < 1_000; i++) {
      budget.join();
    }
    Broker broker = new Broker(126, 128 * 1024);
    for (int i = 0; i < 200; i++) {
      broker.backlog.add(i);
    }
    Consumer consumer = new Consumer(budget);
    consumer.connect(broker);
    List<Integer> taken = new ArrayList<>();
    for (int step = 0; step < 1_000 && taken.size() < 200; step++) {
      consumer.receive(broker, broker.dispatch());
      Integer entry = consumer.take(broker);
      if (entry != null) {
        taken.add(entry);
      }
    }
    assertThat(taken).isSorted().hasSize(200).doesNotHaveDuplicates();
    assertThat(consumer.permits.targetEntries()).isEqualTo(1);
    assertThat(consumer.mostQueued).isEqualTo(1);
    assertThat(broker.readSizes).allSatisfy(n -> assertThat(n).isEqualTo(1));
  }

  @Test
  void aLoneConsumerOfABusyTopicAsksForAsMuchAsTheBrokerReadsAtOnce() {
    // The default budget, one consumer: an 8 MiB share of 128 KB entries is 64, and the
    // broker reads 38 of them (5 MB) each time; the next read is asked for as entries arrive.
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    budget.join();
    Broker broker = new Broker(126, 128 * 1024);
    for (int i = 0; i < 1_000; i++) {
      broker.backlog.add(i);
    }
    Consumer consumer = new Consumer(budget);
    consumer.connect(broker);
    List<Integer> taken = new ArrayList<>();
    while (taken.size() < 1_000) {
      consumer.receive(broker, broker.dispatch());
      Integer entry;
      while ((entry = consumer.take(broker)) != null) {
        taken.add(entry);
      }
    }
    assertThat(taken).isSorted().hasSize(1_000).doesNotHaveDuplicates();
    assertThat(consumer.permits.targetEntries()).isEqualTo(64);
    assertThat(broker.readSizes.get(0)).isEqualTo(1);
    assertThat(broker.readSizes.subList(1, broker.readSizes.size() - 1))
        .allSatisfy(n -> assertThat(n).isEqualTo(38));
    assertThat(consumer.mostQueued).isLessThanOrEqualTo(64);
  }

  @Test
  void smallEntriesAtTheEndOfTheTopicAreAnsweredWithAFlowCommandPerSeveralEntries() {
    // A slow producer's small batches: entries of 4 messages of 1 KB, each taken as it arrives.
    Broker broker = new Broker(4, 4 * 1024);
    Consumer consumer = new Consumer();
    consumer.connect(broker);
    List<Integer> taken = new ArrayList<>();
    for (int written = 0; written < 1_000; written++) {
      broker.backlog.add(written);
      consumer.receive(broker, broker.dispatch());
      assertThat(broker.backlog).as("entry %d was read at once", written).isEmpty();
      assertThat(broker.permits).as("after entry %d", written).isPositive();
      Integer entry;
      while ((entry = consumer.take(broker)) != null) {
        taken.add(entry);
      }
    }
    assertThat(taken).isSorted().hasSize(1_000).doesNotHaveDuplicates();
    // 1 MiB of 4 KB entries is more than the broker reads at once: 100 entries, 400 permits of
    // messages spent per 100 entries; the broker is topped up whenever it holds 50 or fewer.
    assertThat(consumer.permits.targetEntries()).isEqualTo(EntryPermits.MAX_ENTRIES);
    assertThat(consumer.flows).as("FLOW commands for 1,000 entries").isBetween(70, 90);
  }
}
