package io.georep.replicator;

/**
 * Property names georep adds to every forwarded message. The origin cluster is set once, at the
 * first hop, and never overwritten: it is what stops an active-active pair from looping.
 */
public final class Provenance {
  private Provenance() {}

  /** The cluster (its name in georep's config) where the message was first produced. */
  public static final String ORIGIN_CLUSTER = "georep.origin.cluster";

  /** The cluster this hop read the message from. */
  public static final String SOURCE_CLUSTER = "georep.source.cluster";

  /** The source partition this hop read the message from. */
  public static final String SOURCE_TOPIC = "georep.source.topic";

  /** The message id on the source partition, ledger:entry:batch. */
  public static final String SOURCE_MESSAGE_ID = "georep.source.id";

  /** The publish time on the source, epoch milliseconds. */
  public static final String SOURCE_PUBLISH_TIME = "georep.source.publish.time";
}
