package io.georep.replicator;

import java.time.Duration;
import java.util.Optional;

/**
 * Work a link does beside moving messages, again and again: its metadata sync, its subscription
 * translation. The daemon assembly gives each link its tasks; the link's {@link LinkSupervisor}
 * runs each in a child actor ({@link LinkTaskRunner}) that stops with the link and while the link
 * is fenced. A run blocks (admin calls over thousands of topics), so it runs on a thread of the
 * daemon's task pool, never on an actor's; runs of one task never overlap.
 */
public interface LinkTask extends AutoCloseable {
  /** What it is, for its actor's name and logs: {@code metadata-sync}. */
  String name();

  /** How long after the link (re)starts the first run begins. */
  Duration firstDelay();

  /** How long after a run that threw the next one begins. */
  Duration interval();

  /**
   * One run, on a task-pool thread. An interrupt means the link is stopping: return or throw soon,
   * and do not count it as a failure.
   *
   * @return how long until the next run; empty when no further run is wanted
   */
  Optional<Duration> runOnce();

  /**
   * The link's status with what this task has to show (its last run, what it translated). Called on
   * the link supervisor's thread while a run may be under way: reads only state that a run
   * publishes safely.
   */
  DaemonStatus.LinkStatus addTo(DaemonStatus.LinkStatus link);

  /** The link stops for good: meters and anything else the task holds go. Never throws. */
  @Override
  void close();
}
