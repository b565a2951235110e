package io.georep.cli;

import io.georep.daemon.Plural;
import io.georep.migrator.SyncProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on stderr: on a terminal, one line rewritten in place with the count,
 * the rate and the time left; otherwise (a pipe, a CI log) plain lines: one per applied item, and
 * for reads their start, a count every {@link AsLog#READ_EVERY} and their end. The clock is given,
 * so that tests can drive it.
 */
abstract class ConsoleProgress implements SyncProgress {
  protected final PrintWriter err;
  protected final LongSupplier nanoClock;

  ConsoleProgress(PrintWriter err, LongSupplier nanoClock) {
    this.err = err;
    this.nanoClock = nanoClock;
  }

  /** In-place progress when the JVM has a terminal, log lines otherwise. */
  static SyncProgress forStandardError(PrintWriter err) {
    return of(err, System.console() != null, System::nanoTime);
  }

  static ConsoleProgress of(PrintWriter err, boolean terminal, LongSupplier nanoClock) {
    return terminal ? new OnTerminal(err, nanoClock) : new AsLog(err, nanoClock);
  }

  /** {@code 0.5}, {@code 8.4}, {@code 1,250}: a decimal only where it matters. */
  static String rate(double perSecond) {
    return perSecond < 10
        ? String.format(Locale.ROOT, "%.1f", perSecond)
        : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** {@code 45s}, {@code 2m05s}, {@code 1h02m}. */
  static String duration(long seconds) {
    Duration d = Duration.ofSeconds(Math.max(seconds, 0));
    if (d.toMinutes() == 0) {
      return d.toSeconds() + "s";
    }
    if (d.toHours() == 0) {
      return String.format(Locale.ROOT, "%dm%02ds", d.toMinutesPart(), d.toSecondsPart());
    }
    return String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
  }

  /**
   * A line rewritten at most five times a second: {@code read east 120/1,200 45/s ETA 24s}. The
   * rate is the phase's average so far; the ETA what is left at that rate.
   */
  static final class OnTerminal extends ConsoleProgress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private int done;
    private int total;
    private long startNanos;
    private long lastPrintNanos;
    private boolean printed;

    OnTerminal(PrintWriter err, LongSupplier nanoClock) {
      super(err, nanoClock);
    }

    @Override
    public synchronized void started(String phase, int total) {
      this.total = total;
      done = 0;
      startNanos = nanoClock.getAsLong();
      lastPrintNanos = startNanos - REDRAW_NANOS;
      printed = false;
    }

    @Override
    public synchronized void advanced(String phase, String detail) {
      done++;
      long now = nanoClock.getAsLong();
      if (now - lastPrintNanos < REDRAW_NANOS && done < total) {
        return;
      }
      lastPrintNanos = now;
      double seconds = Math.max((now - startNanos) / 1e9, 0.001);
      double rate = done / seconds;
      long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      err.print(
          String.format(
              Locale.ROOT,
              "\r%-12s %,7d/%,d  %6s/s  ETA %-7s",
              phase,
              done,
              total,
              rate(rate),
              duration(eta)));
      err.flush();
      printed = true;
    }

    @Override
    public synchronized void finished(String phase) {
      if (printed) {
        err.println();
        err.flush();
      }
    }
  }

  /**
   * {@code apply 3/120: CREATE topic persistent://…}; a read logs its start, {@code read east
   * 1,200/5,000 topics (410/s)} at most every {@link #READ_EVERY}, and its end.
   */
  static final class AsLog extends ConsoleProgress {
    static final Duration READ_EVERY = Duration.ofSeconds(10);
    private int done;
    private int total;
    private long startNanos;
    private long lastLogNanos;

    AsLog(PrintWriter err, LongSupplier nanoClock) {
      super(err, nanoClock);
    }

    @Override
    public synchronized void started(String phase, int total) {
      this.total = total;
      done = 0;
      startNanos = nanoClock.getAsLong();
      lastLogNanos = startNanos;
      err.println(phase + ": " + Plural.of(total, isRead(phase) ? "topic" : "item"));
      err.flush();
    }

    @Override
    public synchronized void advanced(String phase, String detail) {
      done++;
      if (!isRead(phase)) {
        err.println(phase + " " + done + "/" + total + ": " + detail);
        err.flush();
        return;
      }
      long now = nanoClock.getAsLong();
      if (now - lastLogNanos >= READ_EVERY.toNanos() && done < total) {
        lastLogNanos = now;
        double rate = done / Math.max((now - startNanos) / 1e9, 0.001);
        err.println(
            String.format(Locale.ROOT, "%s %,d/%,d topics (%,.0f/s)", phase, done, total, rate));
        err.flush();
      }
    }

    @Override
    public synchronized void finished(String phase) {
      err.println(phase + ": done");
      err.flush();
    }

    private static boolean isRead(String phase) {
      return phase.startsWith("read");
    }
  }
}
