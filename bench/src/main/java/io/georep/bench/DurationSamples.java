package io.georep.bench;

import java.util.Arrays;

/**
 * Durations in nanoseconds recorded while switched on (a lag, a publish latency), for percentiles
 * over a measurement. Thread-safe; recording while off costs one volatile read.
 */
final class DurationSamples {
  private volatile boolean on;
  private long[] samples = new long[1 << 16];
  private int count;

  /** Starts or stops recording; starting discards what was recorded. */
  synchronized void record(boolean on) {
    if (on) {
      count = 0;
    }
    this.on = on;
  }

  void add(long nanos) {
    if (on) {
      append(nanos);
    }
  }

  private synchronized void append(long nanos) {
    if (!on) {
      return;
    }
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = nanos;
  }

  /** What was recorded, sorted. */
  synchronized long[] sorted() {
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return sorted;
  }
}
