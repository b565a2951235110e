package io.georep.replicator;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bytes of source messages that the daemon's source consumers may have asked for and hold in
 * their receive queues, shared among them: one budget for every link and both forwarding modes, as
 * the process's direct memory is one. Each consumer {@link #join joins} when it subscribes, {@link
 * #leave leaves} when it closes, and reads its {@link #share} again whenever it sizes its queue, so
 * a consumer that joins shrinks the others' queues and one that leaves lets them grow back.
 *
 * <p>The bound: each consumer keeps what it asked for and holds within its share, measured in its
 * average entry (a broker reads whole entries), except that it always asks for at least one entry,
 * without which a partition cannot move at all. So the daemon's receive queues hold at most {@code
 * totalBytes} (the operator's {@code limits.receiveQueueBytes}) plus one entry per consumer: with
 * the default 8 MiB and 1,000 partitions of 1 KB messages, 8 MiB when they are not batched, 8 MiB
 * plus 1,000 entries (up to 128 KB each, a producer's default batch) when they are. Permits granted
 * cannot be taken back, so a share that shrinks (consumers joining) binds once what was asked for
 * under the larger one has arrived. A consumer alone on a busy topic reads faster with a larger
 * share (a source broker serves one read per consumer at a time), so the share is the budget over
 * the consumers, at most {@link #MAX_SHARE_BYTES}.
 */
public final class ReceiveQueueBudget {
  /** The most one consumer gets, however large the budget and few the consumers. */
  static final int MAX_SHARE_BYTES = 8 * 1024 * 1024;

  private final long totalBytes;
  private final AtomicInteger consumers = new AtomicInteger();

  public ReceiveQueueBudget(long totalBytes) {
    if (totalBytes <= 0) {
      throw new IllegalArgumentException("totalBytes must be positive: " + totalBytes);
    }
    this.totalBytes = totalBytes;
  }

  /** A consumer subscribed: it takes a share from now on. */
  public void join() {
    consumers.incrementAndGet();
  }

  /** A consumer closed: its share goes back to the others. Once per {@link #join}. */
  public void leave() {
    consumers.decrementAndGet();
  }

  /**
   * The bytes one consumer may have asked for and hold: the budget over the consumers, at most
   * {@link #MAX_SHARE_BYTES}, at least 1 (the consumer's floor of one entry applies above this).
   */
  public int share() {
    long each = totalBytes / Math.max(1, consumers.get());
    return (int) Math.max(1, Math.min(MAX_SHARE_BYTES, each));
  }

  /** The budget over every consumer. */
  public long totalBytes() {
    return totalBytes;
  }
}
