package io.georep.migrator;

/**
 * Metadata sync could not read or change something on a cluster. The message names the cluster,
 * what was attempted and, when the cluster refused, the role georep used and the permission it
 * lacks; it never contains a secret.
 */
public final class MetadataSyncException extends RuntimeException {

  /** Why it failed. */
  public enum Reason {
    /** The cluster refused the role georep authenticates as (HTTP 401 or 403). */
    ACCESS_DENIED,
    /** Anything else: unreachable, timed out, rejected as invalid. */
    FAILED
  }

  private final String cluster;
  private final Reason reason;

  MetadataSyncException(String cluster, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.cluster = cluster;
    this.reason = reason;
  }

  /** The configured name of the cluster concerned. */
  public String cluster() {
    return cluster;
  }

  public Reason reason() {
    return reason;
  }
}
