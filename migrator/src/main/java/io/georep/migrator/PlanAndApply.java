package io.georep.migrator;

import java.util.List;

/** The two steps of a metadata sync; {@link MetadataSync} takes them against real clusters. */
interface PlanAndApply {

  /**
   * @throws MetadataSyncException when a cluster cannot be read
   */
  MetadataPlan plan(PlanOptions options, SyncProgress progress);

  /**
   * @throws MetadataSyncException when the target refuses georep's role
   */
  List<ApplyResult> apply(MetadataPlan plan, SyncProgress progress);
}
