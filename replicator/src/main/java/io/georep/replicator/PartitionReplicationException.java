package io.georep.replicator;

/** Thrown by a {@link PartitionReplicator} to have its supervisor restart it with backoff. */
public final class PartitionReplicationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PartitionReplicationException(String message, Throwable cause) {
    super(message, cause);
  }
}
