package io.georep.bench;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads one target topic from the earliest message, in a thread of its own, and notes for every
 * message when it arrived: how many arrived, how many distinct sequence numbers, the first and last
 * arrival, and, while {@link #recordLags} is on, each message's lag (arrival minus the instant the
 * load generator sent it, both on this JVM's {@link System#nanoTime()} clock).
 */
final class TargetReader implements AutoCloseable {
  private final Reader<byte[]> reader;
  private final Thread thread;
  private final AtomicLong received = new AtomicLong();
  private final BitSet seen = new BitSet();
  private long distinct;
  private volatile long firstArrival;
  private volatile long lastArrival;
  private volatile boolean running = true;
  private volatile Throwable failure;

  private final long epoch;
  private final long[] perSecond = new long[TIMELINE_SECONDS];

  private final DurationSamples lags = new DurationSamples();

  /** How many seconds of arrivals the timeline keeps. */
  static final int TIMELINE_SECONDS = 1800;

  /**
   * @param epoch the {@link System#nanoTime()} the timeline counts seconds from
   */
  TargetReader(PulsarClient client, String topic, long epoch) {
    this.epoch = epoch;
    try {
      this.reader =
          client
              .newReader(Schema.BYTES)
              .topic(topic)
              .startMessageId(MessageId.earliest)
              .receiverQueueSize(2000)
              .create();
    } catch (PulsarClientException e) {
      throw new IllegalStateException("cannot read " + topic + ": " + e, e);
    }
    thread = new Thread(this::loop, "georep-bench-reader");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (running) {
        Message<byte[]> message = reader.readNext(100, TimeUnit.MILLISECONDS);
        if (message != null) {
          arrived(message.getValue(), System.nanoTime());
        }
      }
    } catch (PulsarClientException e) {
      if (running) {
        failure = e;
      }
    }
  }

  private void arrived(byte[] payload, long now) {
    if (received.get() == 0) {
      firstArrival = now;
    }
    lastArrival = now;
    long sequence = Payloads.sequence(payload);
    synchronized (this) {
      long second = (now - epoch) / 1_000_000_000L;
      if (second >= 0 && second < perSecond.length) {
        perSecond[(int) second]++;
      }
      if (sequence >= 0 && sequence < Integer.MAX_VALUE && !seen.get((int) sequence)) {
        seen.set((int) sequence);
        distinct++;
      }
      lags.add(now - Payloads.sentNanos(payload));
    }
    received.incrementAndGet();
  }

  long received() {
    return received.get();
  }

  synchronized long distinct() {
    return distinct;
  }

  /** {@link System#nanoTime()} of the first arrival; meaningful once {@link #received()} > 0. */
  long firstArrival() {
    return firstArrival;
  }

  long lastArrival() {
    return lastArrival;
  }

  /** Starts or stops recording lags; starting discards what was recorded. */
  void recordLags(boolean on) {
    lags.record(on);
  }

  /** The lags recorded, in nanoseconds, sorted. */
  long[] sortedLags() {
    return lags.sorted();
  }

  /** Arrivals in each second since the epoch, up to the last second with any. */
  synchronized long[] timeline() {
    int end = perSecond.length;
    while (end > 0 && perSecond[end - 1] == 0) {
      end--;
    }
    return Arrays.copyOf(perSecond, end);
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader.closeAsync();
  }
}
