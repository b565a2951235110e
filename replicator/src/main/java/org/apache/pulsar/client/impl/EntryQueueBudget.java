package org.apache.pulsar.client.impl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bytes of source entries the daemon's entry consumers may have asked for and hold, shared
 * among them (one budget for every link, as the process's direct memory is one). A source broker
 * serves one read per consumer at a time (read, write to the socket, then the next read) and reads
 * at most as many entries as the consumer has permits, so a consumer alone on a busy topic reads
 * faster with a larger share; many consumers each get a small one, keeping the memory bounded.
 */
public final class EntryQueueBudget {
  /** The default: a few partitions read 5 MB (a broker's default maximum) at once. */
  public static final long DEFAULT_BYTES = 8L * 1024 * 1024;

  static final int MIN_SHARE_BYTES = 1024 * 1024;
  static final int MAX_SHARE_BYTES = 8 * 1024 * 1024;

  private final long totalBytes;
  private final AtomicInteger consumers = new AtomicInteger();

  public EntryQueueBudget(long totalBytes) {
    if (totalBytes <= 0) {
      throw new IllegalArgumentException("totalBytes must be positive: " + totalBytes);
    }
    this.totalBytes = totalBytes;
  }

  void join() {
    consumers.incrementAndGet();
  }

  void leave() {
    consumers.decrementAndGet();
  }

  /** The bytes of entries one consumer may hold: the budget over the consumers, bounded. */
  int share() {
    long each = totalBytes / Math.max(1, consumers.get());
    return (int) Math.max(MIN_SHARE_BYTES, Math.min(MAX_SHARE_BYTES, each));
  }
}
