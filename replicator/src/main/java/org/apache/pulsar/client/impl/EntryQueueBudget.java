package org.apache.pulsar.client.impl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bytes of source entries a link's entry consumers may have asked for and hold, shared among
 * them. A source broker serves one read per consumer at a time (read, write to the socket, then the
 * next read) and reads at most as many entries as the consumer has permits, so a consumer alone on
 * a busy topic reads faster with a larger share; many consumers each get a small one, keeping the
 * link's memory bounded.
 */
public final class EntryQueueBudget {
  /** The default for a link: a few partitions read 5 MB (a broker's default maximum) at once. */
  public static final long DEFAULT_LINK_BYTES = 8L * 1024 * 1024;

  static final int MIN_SHARE_BYTES = 1024 * 1024;
  static final int MAX_SHARE_BYTES = 8 * 1024 * 1024;

  private final long linkBytes;
  private final AtomicInteger consumers = new AtomicInteger();

  public EntryQueueBudget(long linkBytes) {
    if (linkBytes <= 0) {
      throw new IllegalArgumentException("linkBytes must be positive: " + linkBytes);
    }
    this.linkBytes = linkBytes;
  }

  void join() {
    consumers.incrementAndGet();
  }

  void leave() {
    consumers.decrementAndGet();
  }

  /** The bytes of entries one consumer may hold: the link's bytes over its consumers, bounded. */
  int share() {
    long each = linkBytes / Math.max(1, consumers.get());
    return (int) Math.max(MIN_SHARE_BYTES, Math.min(MAX_SHARE_BYTES, each));
  }
}
