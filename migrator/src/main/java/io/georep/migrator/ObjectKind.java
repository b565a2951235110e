package io.georep.migrator;

/** The sorts of object and setting that metadata sync compares. */
public enum ObjectKind {
  TENANT("tenant", "setting"),
  TENANT_ADMINS("tenant admins", ""),
  NAMESPACE("namespace", ""),
  NAMESPACE_POLICY("policy", "policy"),
  NAMESPACE_GRANT("grant", "grant"),
  /** The roles allowed on one subscription name of a namespace (its aspect). */
  SUBSCRIPTION_GRANT("subscription grant", "subscription-grant"),
  TOPIC("topic", ""),
  PARTITIONS("partitions", ""),
  TOPIC_POLICY("topic policy", "policy"),
  TOPIC_GRANT("topic grant", "grant"),
  SUBSCRIPTION("subscription", "subscription"),
  SCHEMA("schema", ""),
  /**
   * Another source namespace or topic (its aspect) that the link maps to the same target name and
   * that differs from the one that decides.
   */
  MAPPING("mapped from", "source");

  private final String label;
  private final String aspectType;

  ObjectKind(String label, String aspectType) {
    this.label = label;
    this.aspectType = aspectType;
  }

  /** A short lower-case name for tables. */
  public String label() {
    return label;
  }

  /**
   * How selectors name this kind's aspect: {@code policy} in {@code sales/orders#policy:retention};
   * "" for kinds without aspects.
   */
  public String aspectType() {
    return aspectType;
  }
}
