package io.georep.replicator;

import java.util.List;

/**
 * A link's figures summed over its source partitions, as the control calls answer them.
 *
 * @param partitions how many source partitions run
 * @param inFlight messages sent to the target and not yet acknowledged
 * @param backlog georep's cursor backlog summed over the partitions whose backlog is known; -1 when
 *     none is (before the first read, or every read failed)
 * @param maxLagMillis the largest partition lag
 * @param idle nothing in flight, and every partition caught up (lag zero) and running or stopped:
 *     one look of a drain
 */
record LinkFigures(int partitions, long inFlight, long backlog, long maxLagMillis, boolean idle) {

  static LinkFigures of(List<DaemonStatus.TopicStatus> topics) {
    long inFlight = topics.stream().mapToLong(DaemonStatus.TopicStatus::inFlight).sum();
    List<Long> known =
        topics.stream().map(DaemonStatus.TopicStatus::backlogMessages).filter(b -> b >= 0).toList();
    long backlog = known.isEmpty() ? -1 : known.stream().mapToLong(Long::longValue).sum();
    long maxLag = topics.stream().mapToLong(DaemonStatus.TopicStatus::lagMillis).max().orElse(0);
    boolean idle =
        inFlight == 0
            && topics.stream()
                .allMatch(
                    t ->
                        t.lagMillis() == 0
                            && (t.state() == TopicState.RUNNING
                                || t.state() == TopicState.STOPPED));
    return new LinkFigures(topics.size(), inFlight, backlog, maxLag, idle);
  }
}
