package io.georep.migrator;

/** The parts of a full topic name, {@code domain://tenant/namespace/local}. */
final class TopicNames {
  private TopicNames() {}

  /** {@code tenant/namespace}. */
  static String namespaceOf(String topic) {
    return topic.substring(topic.indexOf("://") + 3, topic.lastIndexOf('/'));
  }

  /** The part after the namespace. */
  static String localName(String topic) {
    return topic.substring(topic.lastIndexOf('/') + 1);
  }
}
