package io.georep.replicator;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * What can be done to one link of a running daemon: the seam the control API, the CLI and the
 * migration and disaster-recovery workflows use. Every call completes with the link's state
 * afterwards; it fails with {@link UnknownLinkException} for a name the daemon does not run, and
 * with {@link LinkStateException} when the link's state forbids the call (e.g. resuming a fenced
 * link).
 *
 * <ul>
 *   <li>{@link #pause}: stop reading the source; what is in flight still completes, producers,
 *       cursors and state stay. Not kept across a daemon restart.
 *   <li>{@link #resume}: read again after a pause.
 *   <li>{@link #drain}: wait until nothing is in flight and every partition has caught up with its
 *       source (no backlog), at most {@code timeout}; changes nothing.
 *   <li>{@link #fence}: stop every partition (in-flight sends complete, checkpoints written) and
 *       persist the fence in the state store: the link does not start again, not even after a
 *       daemon restart, until {@link #unfence}.
 *   <li>{@link #unfence}: lift the fence; the link starts again.
 * </ul>
 */
public interface LinkControl {

  /** The link's control state. */
  enum ControlState {
    /** Replicating (or starting to). */
    ACTIVE,
    /** Not reading its sources; see {@link #pause}. */
    PAUSED,
    /** Stopped and kept stopped across restarts; see {@link #fence}. */
    FENCED
  }

  /** What a call left: the link's control state and its figures at that moment. */
  record Outcome(
      String link, ControlState state, int partitions, long inFlight, long backlog, String note) {}

  /**
   * The reply to {@link #drain}: {@code drained} when nothing was in flight and no partition had a
   * backlog before the timeout; the figures are those of the last look.
   */
  record DrainOutcome(
      String link,
      boolean drained,
      Duration waited,
      int partitions,
      long inFlight,
      long backlog,
      long maxLagMillis) {}

  CompletionStage<Outcome> pause(String link);

  CompletionStage<Outcome> resume(String link);

  CompletionStage<DrainOutcome> drain(String link, Duration timeout);

  CompletionStage<Outcome> fence(String link, String reason);

  CompletionStage<Outcome> unfence(String link);

  /** A link name the daemon does not run. */
  final class UnknownLinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownLinkException(String link, java.util.Collection<String> known) {
      super("no link named '" + link + "' runs in this daemon; links: " + String.join(", ", known));
    }
  }

  /** The link's state forbids the call; the message says what to do first. */
  final class LinkStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LinkStateException(String message) {
      super(message);
    }
  }
}
