package io.georep.replicator;

/** What a link is doing, as its status shows it; the first that applies, in this order. */
public enum LinkState {
  /** The daemon stopped it (shutdown, or a reload that removed or restarted it). */
  STOPPED,
  /** An operator paused it: its partitions do not read; producers and checkpoints kept. */
  PAUSED,
  /** An operator fenced it: nothing of it runs, across restarts, until unfenced. */
  FENCED,
  /** Listing its source failed, or a partition is in error. */
  DEGRADED,
  /** Its source has not been listed yet. */
  STARTING,
  /** Replicating. */
  RUNNING
}
