package io.georep.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Where one trial runs: a namespace of its own on both clusters, holding the topic of each phase
 * (partitioned alike on both), and a directory for logs, configuration and state.
 */
record TrialSpace(String name, String namespace, int partitions, Path dir) {
  String catchUpTopic() {
    return topic("catchup");
  }

  String latencyTopic() {
    return topic("latency");
  }

  String streamTopic() {
    return topic("stream");
  }

  List<String> topics() {
    return List.of(catchUpTopic(), latencyTopic(), streamTopic());
  }

  private String topic(String local) {
    return "persistent://" + namespace + "/" + local;
  }
}
