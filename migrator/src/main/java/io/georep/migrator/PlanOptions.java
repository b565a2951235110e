package io.georep.migrator;

import java.util.Collection;
import java.util.List;

/**
 * What a plan may do beyond creates and non-conflicting updates.
 *
 * @param overwrite the conflicts to overwrite (see {@link OverwriteSelector})
 * @param mirrorDeletes whether objects only on the target are deleted (topics, subscriptions,
 *     grants; never tenants or namespaces)
 */
public record PlanOptions(List<OverwriteSelector> overwrite, boolean mirrorDeletes) {

  public PlanOptions {
    overwrite = List.copyOf(overwrite);
  }

  /**
   * Options from the command line's selectors.
   *
   * @throws IllegalArgumentException for a selector that {@link OverwriteSelector#parse} refuses
   */
  public static PlanOptions of(Collection<String> overwrite, boolean mirrorDeletes) {
    return new PlanOptions(
        overwrite.stream().map(OverwriteSelector::parse).toList(), mirrorDeletes);
  }

  /** Creates and non-conflicting updates only: what the daemon's metadata sync applies. */
  public static PlanOptions safe() {
    return new PlanOptions(List.of(), false);
  }

  boolean overwrites(PlanItem item) {
    return overwrite.stream().anyMatch(selector -> selector.matches(item));
  }
}
