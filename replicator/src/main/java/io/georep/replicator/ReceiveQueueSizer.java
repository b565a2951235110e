package io.georep.replicator;

import java.lang.reflect.Method;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a source consumer's receive queue near {@link #TARGET_MESSAGES} messages whatever the
 * batching of the source.
 *
 * <p>Why: a broker without {@code preciseDispatcherFlowControl} (the default) reads as many
 * <em>entries</em> as the consumer has permits until it has learned how many messages an entry
 * holds. With a queue of 1,000 permits and producer batches of 1,000 messages it dispatched 100
 * entries, 100,000 messages, per partition: the benchmark's daemon held 208,000 received messages
 * on 8 partitions and ran out of a 160 MB heap (docs/benchmarks.md); the client's auto-scaling
 * starts at 100 permits and did the same. So the consumer is created with a queue of one permit
 * and, once a message shows the source's batch size, the queue is set to {@code TARGET_MESSAGES /
 * batchSize} permits: about a thousand messages prefetched for batched and unbatched sources alike.
 *
 * <p>The Pulsar client resizes its queue only through a protected method of its consumer
 * implementation; it is called reflectively. Where that fails (another client implementation) the
 * queue stays at one permit: correct, slower for unbatched sources, and logged once.
 */
final class ReceiveQueueSizer {
  static final int TARGET_MESSAGES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveQueueSizer.class);
  private static final Method SET_SIZE = setter();
  private static volatile boolean warned;

  private final Consumer<?> consumer;
  private int current = -1;
  private double averageBatch = -1;

  ReceiveQueueSizer(Consumer<?> consumer) {
    this.consumer = consumer;
  }

  /** The queue size for messages in batches of {@code batchSize} (0 or 1: not batched). */
  static int sizeFor(int batchSize) {
    return Math.max(1, TARGET_MESSAGES / Math.max(1, batchSize));
  }

  /**
   * Called with each message taken: resizes the queue when the source's batching changed. The batch
   * size is averaged over messages (a producer's batches are interleaved with single-message
   * entries when it is idle), and the queue moves only when the wanted size halves or doubles.
   */
  void observe(MessageIdAdv id) {
    int batch = Math.max(1, id.getBatchSize());
    averageBatch = averageBatch < 0 ? batch : averageBatch + (batch - averageBatch) * 0.01;
    int wanted = sizeFor((int) Math.round(averageBatch));
    if (SET_SIZE == null || (current > 0 && wanted < current * 2 && wanted * 2 > current)) {
      return;
    }
    current = wanted;
    try {
      SET_SIZE.invoke(consumer, wanted);
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e);
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
          "cannot size the source consumers' receive queues ({}); they keep the Pulsar client's"
              + " auto-scaling, and a batched backlog may be prefetched in large amounts",
          e.toString());
    }
  }
}
