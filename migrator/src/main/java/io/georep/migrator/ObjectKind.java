package io.georep.migrator;

/** The sorts of object and setting that metadata sync compares. */
public enum ObjectKind {
  TENANT("tenant"),
  TENANT_ADMINS("tenant admins"),
  NAMESPACE("namespace"),
  NAMESPACE_POLICY("policy"),
  NAMESPACE_GRANT("grant"),
  TOPIC("topic"),
  PARTITIONS("partitions"),
  TOPIC_POLICY("topic policy"),
  TOPIC_GRANT("topic grant"),
  SUBSCRIPTION("subscription"),
  SCHEMA("schema");

  private final String label;

  ObjectKind(String label) {
    this.label = label;
  }

  /** A short lower-case name for tables. */
  public String label() {
    return label;
  }
}
