package io.georep.replicator;

import io.georep.config.LinkConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a link shows to the status API: its partitions' metrics and the link-level error. Written by
 * the link's actors, read by the HTTP threads.
 */
final class LinkStatusBoard {
  private final LinkConfig link;
  private final Map<String, PartitionReplicatorMetrics> partitions = new ConcurrentHashMap<>();
  private volatile String lastError;
  private volatile boolean discovered;
  private volatile boolean stopped;
  private volatile LinkControl.ControlState control = LinkControl.ControlState.ACTIVE;

  LinkStatusBoard(LinkConfig link) {
    this.link = link;
  }

  String name() {
    return link.name();
  }

  Map<String, PartitionReplicatorMetrics> partitions() {
    return partitions;
  }

  void discovered() {
    this.discovered = true;
    this.lastError = null;
  }

  boolean hasDiscovered() {
    return discovered;
  }

  void error(String reason) {
    this.lastError = reason;
  }

  void control(LinkControl.ControlState state) {
    this.control = state;
  }

  LinkControl.ControlState control() {
    return control;
  }

  void stopped() {
    this.stopped = true;
  }

  DaemonStatus.LinkStatus snapshot() {
    var topics =
        partitions.values().stream()
            .map(PartitionReplicatorMetrics::snapshot)
            .sorted(Comparator.comparing(DaemonStatus.TopicStatus::sourceTopic))
            .toList();
    String state;
    if (stopped) {
      state = "STOPPED";
    } else if (control != LinkControl.ControlState.ACTIVE) {
      state = control.name(); // PAUSED or FENCED: an operator's doing, shown before any error
    } else if (lastError != null || topics.stream().anyMatch(t -> t.state() == TopicState.ERROR)) {
      state = "DEGRADED";
    } else if (!discovered) {
      state = "STARTING";
    } else {
      state = "RUNNING";
    }
    return new DaemonStatus.LinkStatus(
        link.name(),
        link.source(),
        link.target(),
        state,
        lastError,
        topics.stream().mapToLong(DaemonStatus.TopicStatus::messagesForwarded).sum(),
        topics.stream().mapToLong(DaemonStatus.TopicStatus::bytesForwarded).sum(),
        topics,
        List.of(),
        null);
  }
}
