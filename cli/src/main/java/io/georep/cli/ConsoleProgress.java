package io.georep.cli;

import io.georep.migrator.SyncProgress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of a long command on stderr: on a terminal, one line rewritten in place with the count,
 * the rate and the time left; otherwise (a pipe, a CI log) a plain line per step.
 */
abstract class ConsoleProgress implements SyncProgress {
  protected final PrintWriter err;

  ConsoleProgress(PrintWriter err) {
    this.err = err;
  }

  /** In-place progress when the JVM has a terminal, log lines otherwise. */
  static SyncProgress forStandardError(PrintWriter err) {
    return System.console() != null ? new OnTerminal(err) : new AsLog(err);
  }

  /** A line rewritten at most five times a second: {@code read east 120/1,200 45/s ETA 24s}. */
  static final class OnTerminal extends ConsoleProgress {
    private final AtomicInteger done = new AtomicInteger();
    private volatile int total;
    private volatile long startNanos;
    private volatile long lastPrintNanos;

    OnTerminal(PrintWriter err) {
      super(err);
    }

    @Override
    public synchronized void started(String phase, int total) {
      this.total = total;
      done.set(0);
      startNanos = System.nanoTime();
      lastPrintNanos = 0;
    }

    @Override
    public synchronized void advanced(String phase, String detail) {
      int count = done.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastPrintNanos < 200_000_000L && count < total) {
        return;
      }
      lastPrintNanos = now;
      double seconds = Math.max((now - startNanos) / 1e9, 0.001);
      double rate = count / seconds;
      long eta = rate > 0 ? Math.round((total - count) / rate) : 0;
      err.printf("\r%-12s %,7d/%,d  %,6.0f/s  ETA %3ds ", phase, count, total, rate, eta);
      err.flush();
    }

    @Override
    public synchronized void finished(String phase) {
      if (total > 0) {
        err.println();
        err.flush();
      }
    }
  }

  /** {@code apply 3/120: CREATE topic persistent://…}; reads log their start and end only. */
  static final class AsLog extends ConsoleProgress {
    private final AtomicInteger done = new AtomicInteger();
    private volatile int total;

    AsLog(PrintWriter err) {
      super(err);
    }

    @Override
    public synchronized void started(String phase, int total) {
      this.total = total;
      done.set(0);
      err.println(phase + ": " + Plural.of(total, phase.startsWith("read") ? "topic" : "item"));
      err.flush();
    }

    @Override
    public synchronized void advanced(String phase, String detail) {
      int count = done.incrementAndGet();
      if (!phase.startsWith("read")) {
        err.println(phase + " " + count + "/" + total + ": " + detail);
        err.flush();
      }
    }

    @Override
    public synchronized void finished(String phase) {
      err.println(phase + ": done");
      err.flush();
    }
  }
}
