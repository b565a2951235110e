package io.georep.replicator;

/** The lifecycle of one replicated source partition as operators see it in status. */
public enum TopicState {
  /** Subscribing to the source and connecting the target producer. */
  STARTING,
  /** Forwarding messages. */
  RUNNING,
  /** Not reading the source (the link is paused); what was in flight completes. */
  PAUSED,
  /** Failed; retried with backoff. The reason is in the last error. */
  ERROR,
  /** Stopping: no new reads, waiting for in-flight sends. */
  DRAINING,
  /** Stopped cleanly (daemon shutdown or topic left the scope); its checkpoint is kept. */
  STOPPED,
  /**
   * Stopped without the target confirming every send in flight (a send failed while draining, or
   * the drain timed out): what was settled is checkpointed, the rest goes again at the next start.
   */
  UNDRAINED
}
