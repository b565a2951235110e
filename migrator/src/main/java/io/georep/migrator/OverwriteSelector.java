package io.georep.migrator;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which conflicts {@code --overwrite} replaces. Typed, so that a word never means two things: a
 * bare {@code retention} could be a policy, a role or a tenant, and is refused.
 *
 * <ul>
 *   <li>{@code all}: every conflict;
 *   <li>an object: a namespace ({@code sales/orders}), a topic ({@code
 *       persistent://sales/orders/events}, or {@code sales/orders/events} for a persistent one), a
 *       tenant's admins ({@code tenant:sales}); every conflict of that object itself (not of the
 *       topics in a namespace);
 *   <li>an aspect on every object: {@code policy:retention} (namespace and topic policies), {@code
 *       grant:alice} (a role's grants on namespaces and topics), {@code subscription-grant:billing}
 *       (the roles allowed on a subscription);
 *   <li>both: {@code sales/orders#policy:retention}, the form a plan's note suggests.
 * </ul>
 */
public sealed interface OverwriteSelector {

  /** Whether this selector names the item's conflict. */
  boolean matches(PlanItem item);

  /** {@code all}. */
  record All() implements OverwriteSelector {
    @Override
    public boolean matches(PlanItem item) {
      return true;
    }
  }

  /** An object by its target name (a tenant's has no '/', a namespace's one, a topic's is full). */
  record ObjectName(String name) implements OverwriteSelector {
    @Override
    public boolean matches(PlanItem item) {
      return item.object().equals(name);
    }
  }

  /** An aspect of every object: {@code policy:retention}. */
  record AspectName(AspectType type, String name) implements OverwriteSelector {
    @Override
    public boolean matches(PlanItem item) {
      return type.kinds().contains(item.kind()) && item.aspect().equals(name);
    }
  }

  /** An aspect of one object: {@code sales/orders#policy:retention}. */
  record ObjectAspect(ObjectName object, AspectName aspect) implements OverwriteSelector {
    @Override
    public boolean matches(PlanItem item) {
      return object.matches(item) && aspect.matches(item);
    }
  }

  /** The typed prefixes of aspects that can conflict. */
  enum AspectType {
    POLICY("policy", EnumSet.of(ObjectKind.NAMESPACE_POLICY, ObjectKind.TOPIC_POLICY)),
    GRANT("grant", EnumSet.of(ObjectKind.NAMESPACE_GRANT, ObjectKind.TOPIC_GRANT)),
    SUBSCRIPTION_GRANT("subscription-grant", EnumSet.of(ObjectKind.SUBSCRIPTION_GRANT));

    private final String prefix;
    private final Set<ObjectKind> kinds;

    AspectType(String prefix, Set<ObjectKind> kinds) {
      this.prefix = prefix;
      this.kinds = kinds;
    }

    public String prefix() {
      return prefix;
    }

    Set<ObjectKind> kinds() {
      return kinds;
    }

    static AspectType ofPrefix(String prefix) {
      for (AspectType type : values()) {
        if (type.prefix.equals(prefix)) {
          return type;
        }
      }
      return null;
    }
  }

  String TENANT_PREFIX = "tenant:";
  String FORMS =
      "use all; an object: sales/orders, persistent://sales/orders/events, tenant:sales;"
          + " an aspect: policy:retention, grant:alice, subscription-grant:billing;"
          + " or both: sales/orders#policy:retention";

  /**
   * Reads one selector.
   *
   * @throws IllegalArgumentException naming the selector, why it is refused, and the forms there
   *     are
   */
  static OverwriteSelector parse(String text) {
    String selector = text.strip();
    if (selector.equals("all")) {
      return new All();
    }
    int hash = selector.indexOf('#');
    if (hash >= 0) {
      ObjectName object = object(selector.substring(0, hash), selector);
      if (!object.name().contains("/")) {
        throw invalid(selector, "a tenant has no policies or grants of its own");
      }
      String aspectText = selector.substring(hash + 1);
      AspectName aspect = aspect(aspectText);
      if (aspect == null) {
        throw invalid(
            selector,
            "after '#' write the kind of aspect: "
                + selector.substring(0, hash)
                + "#policy:"
                + aspectText
                + " or "
                + selector.substring(0, hash)
                + "#grant:"
                + aspectText);
      }
      return new ObjectAspect(object, aspect);
    }
    AspectName aspect = aspect(selector);
    if (aspect != null) {
      return aspect;
    }
    return object(selector, selector);
  }

  private static AspectName aspect(String text) {
    int colon = text.indexOf(':');
    if (colon < 0 || text.contains("://")) {
      return null;
    }
    AspectType type = AspectType.ofPrefix(text.substring(0, colon));
    if (type == null) {
      return null;
    }
    String name = text.substring(colon + 1);
    if (name.isEmpty()) {
      throw invalid(text, "the " + type.prefix() + " name is missing");
    }
    if (type == AspectType.POLICY && !policyNames().contains(name)) {
      throw invalid(text, "no policy is named '" + name + "'; policies: " + policyNames());
    }
    return new AspectName(type, name);
  }

  private static ObjectName object(String text, String selector) {
    if (text.startsWith(TENANT_PREFIX)) {
      String tenant = text.substring(TENANT_PREFIX.length());
      if (tenant.isEmpty() || tenant.contains("/")) {
        throw invalid(selector, "write a tenant as tenant:NAME");
      }
      return new ObjectName(tenant);
    }
    if (text.contains("://")) {
      if (!text.startsWith("persistent://") && !text.startsWith("non-persistent://")
          || text.chars().filter(c -> c == '/').count() != 4) {
        throw invalid(selector, "a topic is persistent://tenant/namespace/topic");
      }
      return new ObjectName(text);
    }
    long slashes = text.chars().filter(c -> c == '/').count();
    if (slashes == 1 && !text.startsWith("/") && !text.endsWith("/")) {
      return new ObjectName(text);
    }
    if (slashes == 2 && !text.startsWith("/") && !text.endsWith("/") && !text.contains("//")) {
      return new ObjectName("persistent://" + text);
    }
    if (slashes == 0) {
      String hint =
          policyNames().contains(text)
              ? "; for the policy write policy:" + text
              : "; for a role's grants write grant:" + text;
      throw invalid(
          selector,
          "a bare word could be a policy, a role or a tenant" + hint + ". Forms: " + FORMS);
    }
    throw invalid(selector, FORMS);
  }

  private static IllegalArgumentException invalid(String selector, String why) {
    return new IllegalArgumentException("invalid --overwrite '" + selector + "': " + why);
  }

  /** Every namespace and topic policy name. */
  static Set<String> policyNames() {
    Set<String> names = new TreeSet<>();
    for (NamespacePolicy policy : NamespacePolicy.values()) {
      names.add(policy.policyName());
    }
    for (TopicPolicy policy : TopicPolicy.values()) {
      names.add(policy.policyName());
    }
    return names;
  }
}
