package io.georep.migrator;

/** How an object or setting of the source compares with the target. */
public enum SyncAction {
  /** Missing on the target: created there. */
  CREATE,
  /** On the target, without this setting (or with fewer partitions or schema versions): added. */
  UPDATE,
  /** On the target with a different value: left alone unless {@code --overwrite} names it. */
  CONFLICT,
  /**
   * On the target only (deleted on the source, or never there): reported, and deleted only with
   * {@code --mirror-deletes}.
   */
  ONLY_ON_TARGET
}
