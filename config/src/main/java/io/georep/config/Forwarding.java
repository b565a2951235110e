package io.georep.config;

/** How a link carries the source's data to the target. */
public enum Forwarding {
  /**
   * Each stored source entry (a producer's batch of up to thousands of messages, or one message) is
   * forwarded whole, its payload untouched: the client neither unpacks nor repacks batches, as
   * Pulsar's built-in geo-replication does. Used wherever source and target partitions correspond
   * one to one; a link whose partition counts differ routes each message, so it forwards messages.
   */
  ENTRIES,
  /** Each message is received, then produced again on the target (batched by georep's producer). */
  MESSAGES
}
