package io.georep.migrator;

import java.util.Set;

/**
 * What a plan may do beyond creates and non-conflicting updates.
 *
 * @param overwrite selectors of conflicts to overwrite: {@code all}, an object's target name
 *     ({@code sales/orders}), an aspect ({@code retention}), or both ({@code
 *     sales/orders#retention})
 * @param mirrorDeletes whether objects only on the target are deleted (topics, subscriptions,
 *     grants; never tenants or namespaces)
 */
public record PlanOptions(Set<String> overwrite, boolean mirrorDeletes) {
  public static final String ALL = "all";

  public PlanOptions {
    overwrite = Set.copyOf(overwrite);
  }

  /** Creates and non-conflicting updates only. */
  public static PlanOptions safe() {
    return new PlanOptions(Set.of(), false);
  }

  boolean overwrites(PlanItem item) {
    return overwrite.contains(ALL)
        || overwrite.contains(item.object())
        || (!item.aspect().isEmpty() && overwrite.contains(item.aspect()))
        || overwrite.contains(item.selector());
  }
}
