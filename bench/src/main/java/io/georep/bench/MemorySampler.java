package io.georep.bench;

import java.util.OptionalLong;

/**
 * Samples a contender's memory every 500 ms while a trial runs: the resident set of its process
 * and, where it reports it, its heap in use. The peak resident set is the kernel's own high-water
 * mark ({@code VmHWM}), read before the process stops.
 */
final class MemorySampler implements AutoCloseable {
  private final Replication replication;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile double peakHeapBytes = Double.NaN;

  MemorySampler(Replication replication) {
    this.replication = replication;
    this.thread = new Thread(this::loop, "georep-bench-memory");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      replication
          .heapUsedBytes()
          .ifPresent(
              heap -> {
                if (Double.isNaN(peakHeapBytes) || heap > peakHeapBytes) {
                  peakHeapBytes = heap;
                }
              });
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The highest heap in use sampled so far, NaN when the contender reports none. */
  double peakHeapBytes() {
    return peakHeapBytes;
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
