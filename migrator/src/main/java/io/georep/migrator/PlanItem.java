package io.georep.migrator;

import java.util.Objects;

/**
 * One difference between the source (mapped to target names) and the target.
 *
 * @param action what the difference is
 * @param kind what sort of object or setting differs
 * @param object the target's name of the tenant, namespace or topic concerned
 * @param aspect within the object: a policy name, a role, a subscription, another source name
 *     mapped to the same target; "" for the object itself
 * @param source the source's value, for people; "-" when the source has none
 * @param target the target's value, for people; "-" when the target has none
 * @param operation what applying this item does on the target
 * @param willApply whether {@code --apply} carries it out with the options the plan was made with
 * @param note why it will not be applied, or what to know about it; "" when nothing
 */
public record PlanItem(
    SyncAction action,
    ObjectKind kind,
    String object,
    String aspect,
    String source,
    String target,
    SyncOperation operation,
    boolean willApply,
    String note) {

  public PlanItem {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(aspect, "aspect");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(note, "note");
  }

  /**
   * What {@code --overwrite} names this item by: {@code sales/orders#policy:retention}, {@code
   * persistent://sales/orders/events}, {@code tenant:sales}. See {@link OverwriteSelector}.
   */
  public String selector() {
    String name = object.contains("/") ? object : OverwriteSelector.TENANT_PREFIX + object;
    return aspect.isEmpty() || kind.aspectType().isEmpty()
        ? name
        : name + "#" + kind.aspectType() + ":" + aspect;
  }

  /** What differs, for people: {@code policy retention}, {@code grant alice}, {@code topic}. */
  public String what() {
    return aspect.isEmpty() ? kind.label() : kind.label() + " " + aspect;
  }
}
