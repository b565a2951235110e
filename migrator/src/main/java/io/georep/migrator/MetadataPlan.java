package io.georep.migrator;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The differences between a link's source (mapped to target names) and its target, in the order
 * they must be applied: tenants, namespaces, their policies and grants, topics, partitions, topic
 * policies and grants, schemas, subscriptions; deletions last.
 *
 * @param link the link's name
 * @param source the source cluster's name in the configuration
 * @param target the target cluster's name in the configuration
 * @param items the differences; objects equal on both sides are not listed
 */
public record MetadataPlan(String link, String source, String target, List<PlanItem> items) {

  public MetadataPlan {
    items = List.copyOf(items);
  }

  /** The number of items of each action, every action present. */
  public Map<SyncAction, Integer> counts() {
    Map<SyncAction, Integer> counts = new EnumMap<>(SyncAction.class);
    for (SyncAction action : SyncAction.values()) {
      counts.put(action, 0);
    }
    items.forEach(item -> counts.merge(item.action(), 1, Integer::sum));
    return counts;
  }

  /** The items {@code --apply} carries out. */
  public List<PlanItem> toApply() {
    return items.stream().filter(PlanItem::willApply).toList();
  }

  /** Whether source and target already agree on everything. */
  public boolean inSync() {
    return items.isEmpty();
  }
}
