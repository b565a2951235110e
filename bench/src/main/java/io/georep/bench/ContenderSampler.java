package io.georep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Samples a contender every second while a trial runs: its heap in use and its messages in flight,
 * where it reports them. The peak resident set is the kernel's own high-water mark of the process
 * ({@code VmHWM}), read before the process stops.
 */
final class ContenderSampler implements AutoCloseable {
  private final Replication replication;
  private final Thread thread;
  private final List<long[]> inFlight = new ArrayList<>(); // {nanoTime, messages}
  private volatile boolean running = true;
  private volatile double peakHeapBytes = Double.NaN;

  /** Average and highest of a gauge over a period; {@code samples} 0 when none fell in it. */
  record Range(double average, double max, int samples) {}

  ContenderSampler(Replication replication) {
    this.replication = replication;
    this.thread = new Thread(this::loop, "georep-bench-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      Replication.Gauges gauges = replication.gauges();
      long now = System.nanoTime();
      gauges
          .heapUsedBytes()
          .ifPresent(
              heap -> {
                if (Double.isNaN(peakHeapBytes) || heap > peakHeapBytes) {
                  peakHeapBytes = heap;
                }
              });
      gauges
          .inFlightMessages()
          .ifPresent(
              messages -> {
                synchronized (inFlight) {
                  inFlight.add(new long[] {now, (long) messages});
                }
              });
      try {
        Thread.sleep(1000); // each scrape costs georep CPU that built-in does not pay
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The highest heap in use sampled so far, NaN when the contender reports none. */
  double peakHeapBytes() {
    return peakHeapBytes;
  }

  /** Messages in flight sampled between two {@link System#nanoTime()} instants. */
  Range inFlightBetween(long from, long to) {
    double sum = 0;
    double max = 0;
    int n = 0;
    synchronized (inFlight) {
      for (long[] sample : inFlight) {
        if (sample[0] >= from && sample[0] <= to) {
          sum += sample[1];
          max = Math.max(max, sample[1]);
          n++;
        }
      }
    }
    return new Range(n == 0 ? Double.NaN : sum / n, max, n);
  }

  /** The process's peak resident set so far, in kB, when it has a process. */
  OptionalLong peakRssKb() {
    OptionalLong pid = replication.pid();
    return pid.isPresent() ? Proc.statusKb(pid.getAsLong(), "VmHWM") : OptionalLong.empty();
  }

  /** The process's resident set now, in kB. */
  OptionalLong rssKb() {
    OptionalLong pid = replication.pid();
    return pid.isPresent() ? Proc.statusKb(pid.getAsLong(), "VmRSS") : OptionalLong.empty();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
