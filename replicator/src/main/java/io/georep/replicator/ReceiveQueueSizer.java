package io.georep.replicator;

import java.lang.reflect.Method;
import java.util.function.IntConsumer;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes a source consumer's receive queue (with {@code forwarding: messages}) to its share of the
 * daemon's {@link ReceiveQueueBudget}, and to at most {@link #MAX_MESSAGES} messages, whatever the
 * batching of the source.
 *
 * <p>Why in entries: a broker without {@code preciseDispatcherFlowControl} (the default) reads as
 * many <em>entries</em> as the consumer has permits until it has learned how many messages an entry
 * holds. With a queue of 1,000 permits and producer batches of 1,000 messages it dispatched 100
 * entries, 100,000 messages, per partition: the benchmark's daemon held 208,000 received messages
 * on 8 partitions and ran out of a 160 MB heap (docs/benchmarks.md); the client's auto-scaling
 * starts at 100 permits and did the same. So the consumer is created with a queue of one permit
 * and, once messages show the source's batch size and message size, the queue is set to the
 * messages wanted over the batch size: what the broker then holds and sends is about that many
 * messages whether it counts entries or messages.
 *
 * <p>Why a share: 1,000 messages per partition is 1 GB on 1,000 partitions of 1 KB messages. The
 * messages wanted are the fewer of {@link #MAX_MESSAGES} (a few partitions keep their throughput)
 * and the share over the average message size, and the queue is never below one permit (one entry),
 * without which the partition cannot move. The share is read again with every message, so the queue
 * shrinks as other consumers join and grows back as they leave. Together with the entry consumers
 * of the same budget: the receive queues hold at most the budget plus one entry per consumer (see
 * {@link ReceiveQueueBudget}).
 *
 * <p>The Pulsar client resizes its queue only through a protected method of its consumer
 * implementation; it is called reflectively. Where that fails (another client implementation) the
 * queue stays at one permit: correct, slower for unbatched sources, and logged once. Not
 * thread-safe: the partition's actor calls it.
 */
final class ReceiveQueueSizer implements AutoCloseable {
  static final int MAX_MESSAGES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveQueueSizer.class);
  private static final Method SET_SIZE = setter();
  private static volatile boolean warned;

  private final ReceiveQueueBudget budget;
  private final IntConsumer resize;
  private int current = -1;
  private double averageBatch = -1;
  private double averageMessageBytes = -1;
  private boolean closed;

  /** Joins {@code budget} until {@link #close}; {@code resize} sets the queue's permits. */
  ReceiveQueueSizer(ReceiveQueueBudget budget, IntConsumer resize) {
    this.budget = budget;
    this.resize = resize;
    budget.join();
  }

  /** Sizes the queue of a Pulsar client's consumer (created with a queue of one permit). */
  static ReceiveQueueSizer of(Consumer<?> consumer, ReceiveQueueBudget budget) {
    return new ReceiveQueueSizer(
        budget,
        permits -> {
          if (SET_SIZE == null) {
            return;
          }
          try {
            SET_SIZE.invoke(consumer, permits);
          } catch (ReflectiveOperationException | RuntimeException e) {
            warnOnce(e);
          }
        });
  }

  /**
   * The permits of a queue for messages of {@code messageBytes} in batches of {@code batchSize} (1:
   * not batched) with a share of {@code shareBytes}: the messages wanted over the batch size, at
   * least one.
   */
  static int permitsFor(long shareBytes, double batchSize, double messageBytes) {
    double messages = Math.min(MAX_MESSAGES, shareBytes / Math.max(1, messageBytes));
    return (int) Math.max(1, Math.floor(messages / Math.max(1, batchSize)));
  }

  /**
   * Called with each message taken ({@code bytes} its payload): resizes the queue to the share read
   * now. The batch and message sizes are averaged over messages (a producer's batches are
   * interleaved with single-message entries when it is idle). The queue shrinks at once (it must
   * not hold more than the share) and grows once the wanted size is a quarter above it, so that a
   * drifting average does not resize it with every message.
   */
  void observe(MessageIdAdv id, int bytes) {
    if (closed) {
      return;
    }
    int batch = Math.max(1, id.getBatchSize());
    averageBatch = averageBatch < 0 ? batch : averageBatch + (batch - averageBatch) * 0.01;
    averageMessageBytes =
        averageMessageBytes < 0
            ? bytes
            : averageMessageBytes + (bytes - averageMessageBytes) * 0.01;
    int wanted = permitsFor(budget.share(), averageBatch, averageMessageBytes);
    if (current > 0 && wanted >= current && wanted <= current + current / 4) {
      return;
    }
    current = wanted;
    resize.accept(wanted);
  }

  /** The permits the queue was last set to; -1 before the first message. */
  int permits() {
    return current;
  }

  /** The consumer closed: its share goes back to the others. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      budget.leave();
    }
  }

  private static Method setter() {
    try {
      Method m =
          Class.forName("org.apache.pulsar.client.impl.ConsumerImpl")
              .getDeclaredMethod("setCurrentReceiverQueueSize", int.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e);
      return null;
    }
  }

  private static void warnOnce(Exception e) {
    if (!warned) {
      warned = true;
      LOG.warn(
          "cannot size the source consumers' receive queues ({}); they stay at one permit, correct"
              + " but slower for unbatched sources",
          e.toString());
    }
  }
}
