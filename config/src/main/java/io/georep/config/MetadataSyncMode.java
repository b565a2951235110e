package io.georep.config;

/**
 * Whether and when a link copies metadata (tenants, namespaces, policies, topics, schemas) to its
 * target.
 */
public enum MetadataSyncMode {
  /** Never; the target must already have what the link writes to. */
  OFF,
  /** Once, when the link starts. */
  ONCE,
  /**
   * When the link starts and again every {@link LinkOptions#metadataSyncInterval()}: creates and
   * non-conflicting updates only, never overwrites or deletes.
   */
  CONTINUOUS
}
