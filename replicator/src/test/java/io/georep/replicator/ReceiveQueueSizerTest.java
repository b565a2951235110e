package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.config.LimitsConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.impl.BatchMessageIdImpl;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.Test;

class ReceiveQueueSizerTest {
  private static final int KB = 1024;

  /** A message of a batch of {@code batchSize}, or of an entry of its own when 1. */
  private static MessageIdAdv id(int batchSize) {
    return batchSize <= 1
        ? new MessageIdImpl(1, 1, 0)
        : new BatchMessageIdImpl(1, 1, 0, 0, batchSize, null);
  }

  /** A sizer whose queue is a number: the permits it was last set to. */
  private static final class Queue {
    final List<Integer> sizes = new ArrayList<>();
    final ReceiveQueueSizer sizer;

    Queue(ReceiveQueueBudget budget) {
      sizer = new ReceiveQueueSizer(budget, sizes::add);
    }

    int permits() {
      return sizes.isEmpty() ? 1 : sizes.get(sizes.size() - 1);
    }

    /** Takes {@code n} messages of {@code bytes} in batches of {@code batchSize}. */
    Queue take(int n, int batchSize, int bytes) {
      for (int i = 0; i < n; i++) {
        sizer.observe(id(batchSize), bytes);
      }
      return this;
    }
  }

  @Test
  void aLoneConsumerHoldsAThousandMessagesWhateverTheBatching() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    assertThat(new Queue(budget).take(1, 1, KB).permits()).isEqualTo(1000);
    assertThat(new Queue(budget).take(1, 10, KB).permits()).isEqualTo(100);
    assertThat(new Queue(budget).take(1, 1000, KB).permits()).isEqualTo(1);
    assertThat(new Queue(budget).take(1, 5000, KB).permits()).isEqualTo(1);
    assertThat(new Queue(budget).take(1, 1, 100).permits()).isEqualTo(1000);
  }

  @Test
  void eightPartitionsOfOneKbMessagesKeepTheirThousandMessages() {
    // The benchmark's 1 KB x 8 workload: 1 MiB each holds 1,000 messages of 1 KB.
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    List<Queue> queues = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      queues.add(new Queue(budget));
    }
    queues.forEach(q -> q.take(1, 1, KB));
    assertThat(queues).allSatisfy(q -> assertThat(q.permits()).isEqualTo(1000));
  }

  @Test
  void aThousandPartitionsOfOneKbMessagesStayWithinTheBudgetPlusOneEntryEach() {
    for (int batch : new int[] {1, 10, 100, 1000}) {
      ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
      List<Queue> queues = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        queues.add(new Queue(budget));
      }
      queues.forEach(q -> q.take(1, batch, KB));
      // A broker counting entries sends as many as there are permits; one counting messages,
      // fewer: permits x batch x message size bounds both.
      long entryBytes = (long) batch * KB;
      long held = queues.stream().mapToLong(q -> q.permits() * entryBytes).sum();
      assertThat(held)
          .as("batches of %d", batch)
          .isLessThanOrEqualTo(budget.totalBytes() + 1_000 * entryBytes);
      assertThat(queues).allSatisfy(q -> assertThat(q.permits()).isPositive());
      if (batch == 1) {
        // 8 MiB / 1,000 is 8 messages each; with no entry to round up, no overshoot at all
        // (1,000 messages each, as before, were 1,000 MB).
        assertThat(held).isLessThanOrEqualTo(budget.totalBytes());
        assertThat(queues).allSatisfy(q -> assertThat(q.permits()).isEqualTo(8));
      }
    }
  }

  @Test
  void theQueueShrinksAsConsumersJoinAndGrowsBackAsTheyLeave() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    Queue first = new Queue(budget).take(10, 1, KB);
    assertThat(first.permits()).isEqualTo(1000);
    List<Queue> others = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      others.add(new Queue(budget));
    }
    first.take(1, 1, KB);
    assertThat(first.permits()).as("at once, with the next message").isEqualTo(8);
    others.forEach(q -> q.sizer.close());
    others.get(0).sizer.close(); // closing twice gives nothing back twice
    first.take(1, 1, KB);
    assertThat(first.permits()).isEqualTo(1000);
    assertThat(budget.share()).isEqualTo(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
  }

  @Test
  void aDriftingAverageDoesNotResizeWithEveryMessage() {
    ReceiveQueueBudget budget = new ReceiveQueueBudget(LimitsConfig.DEFAULT_RECEIVE_QUEUE_BYTES);
    for (int i = 0; i < 99; i++) {
      budget.join(); // 100 consumers: 83,886 bytes each
    }
    Queue queue = new Queue(budget).take(1, 10, KB);
    assertThat(queue.permits()).isEqualTo(8); // 81 messages of 1 KB in batches of 10
    // Batches of 9 and 11 alternate: the average moves around 10, the queue does not.
    for (int i = 0; i < 500; i++) {
      queue.take(1, i % 2 == 0 ? 9 : 11, KB);
    }
    assertThat(queue.sizes).hasSizeLessThanOrEqualTo(3);
  }
}
