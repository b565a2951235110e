package io.georep.replicator;

import io.georep.config.LinkConfig;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a link's status is made of: its partitions' metrics, whether its source has been listed, its
 * link-level error and its control state. Owned by the link's {@link LinkSupervisor} and used on
 * its thread only; others get an immutable {@link #snapshot()} by asking the supervisor ({@link
 * LinkSupervisor.GetStatus}). The partitions' metrics are written by their replicators (atomics,
 * which the Prometheus scrape reads too).
 */
final class LinkStatusModel {
  private final LinkConfig link;
  private final Map<String, PartitionReplicatorMetrics> partitions = new HashMap<>();
  private String lastError;
  private boolean discovered;
  private boolean stopped;
  private LinkControl.ControlState control = LinkControl.ControlState.ACTIVE;

  LinkStatusModel(LinkConfig link) {
    this.link = link;
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

  void stopped() {
    this.stopped = true;
  }

  DaemonStatus.LinkStatus snapshot() {
    var topics =
        partitions.values().stream()
            .map(PartitionReplicatorMetrics::snapshot)
            .sorted(Comparator.comparing(DaemonStatus.TopicStatus::sourceTopic))
            .toList();
    LinkState state;
    if (stopped) {
      state = LinkState.STOPPED;
    } else if (control == LinkControl.ControlState.PAUSED) {
      state = LinkState.PAUSED; // an operator's doing, shown before any error
    } else if (control == LinkControl.ControlState.FENCED) {
      state = LinkState.FENCED;
    } else if (lastError != null || topics.stream().anyMatch(t -> t.state() == TopicState.ERROR)) {
      state = LinkState.DEGRADED;
    } else if (!discovered) {
      state = LinkState.STARTING;
    } else {
      state = LinkState.RUNNING;
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
