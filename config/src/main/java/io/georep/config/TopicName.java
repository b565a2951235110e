package io.georep.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pulsar topic name, {@code domain://tenant/namespace/local}, as far as scopes and mappings need
 * it. A name without a domain is persistent. Only the current (three-part) form is accepted.
 */
record TopicName(String domain, String tenant, String namespace, String localName) {
  static final String PERSISTENT = "persistent";
  private static final String NON_PERSISTENT = "non-persistent";
  private static final Pattern NAMED_ENTITY = Pattern.compile("[-=:.\\w]+");
  private static final Pattern PARTITION = Pattern.compile("(.+)(-partition-\\d+)");

  /**
   * Parses a topic name.
   *
   * @throws IllegalArgumentException if it is not {@code [domain://]tenant/namespace/local}
   */
  static TopicName parse(String name) {
    String domain = PERSISTENT;
    String rest = name;
    int separator = name.indexOf("://");
    if (separator >= 0) {
      domain = name.substring(0, separator);
      rest = name.substring(separator + 3);
      if (!domain.equals(PERSISTENT) && !domain.equals(NON_PERSISTENT)) {
        throw new IllegalArgumentException("a topic name starts with persistent://");
      }
    }
    String[] parts = rest.split("/", -1);
    if (parts.length != 3
        || !isNamedEntity(parts[0])
        || !isNamedEntity(parts[1])
        || parts[2].isBlank()) {
      throw new IllegalArgumentException("write persistent://tenant/namespace/topic");
    }
    return new TopicName(domain, parts[0], parts[1], parts[2]);
  }

  /** Whether {@code name} is {@code tenant/namespace} with the characters Pulsar allows. */
  static boolean isNamespaceName(String name) {
    String[] parts = name.split("/", -1);
    return parts.length == 2 && isNamedEntity(parts[0]) && isNamedEntity(parts[1]);
  }

  private static boolean isNamedEntity(String part) {
    return NAMED_ENTITY.matcher(part).matches();
  }

  boolean isPersistent() {
    return domain.equals(PERSISTENT);
  }

  /** {@code tenant/namespace}. */
  String namespaceName() {
    return tenant + "/" + namespace;
  }

  /** {@code domain://tenant/namespace/local}. */
  String fullName() {
    return domain + "://" + namespaceName() + "/" + localName;
  }

  /** The local name without a {@code -partition-N} suffix. */
  String baseLocalName() {
    Matcher matcher = PARTITION.matcher(localName);
    return matcher.matches() ? matcher.group(1) : localName;
  }

  /** The {@code -partition-N} suffix of a partition's name, or "". */
  String partitionSuffix() {
    Matcher matcher = PARTITION.matcher(localName);
    return matcher.matches() ? matcher.group(2) : "";
  }

  /** The partitioned topic this partition belongs to, or this topic itself. */
  TopicName partitionedTopic() {
    return new TopicName(domain, tenant, namespace, baseLocalName());
  }

  /** The forms a pattern may match: local, {@code tenant/namespace/local} and full name. */
  List<String> patternForms() {
    return List.of(localName, namespaceName() + "/" + localName, fullName());
  }
}
