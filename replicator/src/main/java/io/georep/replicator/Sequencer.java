package io.georep.replicator;

import io.georep.state.Checkpoint;
import io.georep.state.CheckpointStore;
import io.georep.state.Position;
import io.georep.state.SequenceAnchor;
import io.georep.state.SourcePartition;
import io.georep.state.StateStoreException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Numbers what a partition sends ({@link SequenceNumbering}), keeps the anchors it numbers with
 * saved before anything numbered by them is sent, and knows what the target's deduplication holds
 * of each producer. Used from the partition's actor only.
 */
final class Sequencer {
  private final CheckpointStore store;
  private final SourcePartition key;
  private final String sourceTopic;
  private final PartitionReplicatorMetrics metrics;
  private final Logger log;
  private final long[] onTarget;
  private SequenceNumbering numbering;
  private int savedAnchorCount;

  /**
   * Numbers from the saved anchors, above everything the target holds and the checkpoint's {@code
   * checkpointedId} (-1: none).
   *
   * @throws StateStoreException if the anchors cannot be read
   */
  Sequencer(
      CheckpointStore store,
      SourcePartition key,
      long[] onTarget,
      long checkpointedId,
      PartitionReplicatorMetrics metrics,
      Logger log) {
    this.store = store;
    this.key = key;
    this.sourceTopic = key.topic();
    this.metrics = metrics;
    this.log = log;
    this.onTarget = onTarget.clone();
    List<SequenceAnchor> anchors = store.anchors(key);
    savedAnchorCount = anchors.size();
    numbering = new SequenceNumbering(anchors, Math.max(highestOnTarget(), checkpointedId));
  }

  /** The highest sequence id the target holds from any of this partition's producers; -1: none. */
  long highestOnTarget() {
    long highest = -1;
    for (long id : onTarget) {
      highest = Math.max(highest, id);
    }
    return highest;
  }

  /**
   * The sequence id of {@code position}; saves the anchors it needed before anything is sent.
   *
   * @throws StateStoreException if they cannot be saved (nothing numbered by them may be sent)
   * @throws SequenceNumbering.SequenceIdsExhaustedException if no id is left
   */
  long number(Position position, int batchSize) {
    long id = numbering.idOf(position, batchSize);
    if (numbering.hasUnsaved()) {
      saveAnchors();
    }
    String degradation = numbering.takeDegradation();
    if (degradation != null) {
      String description = sourceTopic + ": " + degradation;
      metrics.event("sequence-degraded", description);
      log.warn(description);
    }
    return id;
  }

  /**
   * Reports a target deduplicating the link's topic whose state holds nothing of this producer
   * although georep checkpointed forwarded messages: the target topic was recreated, or its
   * deduplication state expired. -1 means "no state" where the link switched deduplication on, else
   * it may mean "off". Only "no state at all" is reported: a smaller id than the checkpoint's is
   * also what a change of partition counts leaves (the same producer name wrote several target
   * partitions while the messages were routed by key, and the checkpoint holds the highest id of
   * them all). Policy: go on from the checkpoint. What the target lost is the target's loss;
   * sending it again would need the source data, which the cursor already released.
   */
  void reportTargetBehind(
      Optional<Checkpoint> checkpoint, boolean forwardedBefore, String targetTopic) {
    long highest = highestOnTarget();
    if (checkpoint.isPresent()
        && forwardedBefore
        && highest < 0
        && checkpoint.get().sequenceId() >= 0) {
      String description =
          String.format(
              "the target's deduplication state for %s (last sequence id %d) is behind georep's"
                  + " checkpoint (%d): the target topic was recreated or its deduplication state"
                  + " expired; georep continues after its checkpoint and does not resend",
              targetTopic, highest, checkpoint.get().sequenceId());
      metrics.event("target-sequence-behind", description);
      log.warn(description);
    }
  }

  /**
   * Whether the target's deduplication state says it holds {@code id} from producer {@code route}.
   */
  boolean onTarget(int route, long id) {
    return id <= onTarget[route];
  }

  boolean hasUnsaved() {
    return numbering.hasUnsaved();
  }

  /** Saves (with an fsync) the anchors numbering holds, all of them, as the partition's. */
  void saveAnchors() {
    List<SequenceAnchor> anchors = numbering.anchors();
    store.putAnchors(key, anchors);
    savedAnchorCount = anchors.size();
    numbering.saved();
  }

  /** Writes the anchors again, as they are: a probe of whether the store takes writes. */
  void rewriteAnchors() {
    store.putAnchors(key, numbering.anchors());
  }

  /** Forgets the anchors that number only what is behind the checkpoint (once per ledger). */
  void pruneBefore(Position checkpoint) {
    if (BenchDiagnostics.stateWritesDisabled()) {
      return;
    }
    List<SequenceAnchor> kept = numbering.anchorsFrom(checkpoint);
    if (kept.size() < savedAnchorCount) {
      store.putAnchors(key, kept);
      numbering.retainFrom(checkpoint);
      savedAnchorCount = kept.size();
    }
  }

  /**
   * The source was rebuilt: its positions start again, so the anchors go; ids start above {@code
   * floor} and everything the target holds, so that nothing new is dropped as a duplicate.
   */
  void restartAbove(long floor) {
    store.putAnchors(key, List.of());
    numbering = new SequenceNumbering(List.of(), Math.max(floor, highestOnTarget()));
    savedAnchorCount = 0;
  }
}
