package io.georep.replicator;

import io.georep.state.Checkpoint;
import io.georep.state.CheckpointStore;
import io.georep.state.Position;
import io.georep.state.PositionRun;
import io.georep.state.PositionRunBuilder;
import io.georep.state.SourcePartition;
import io.georep.state.StateStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;

/**
 * Turns what settled in a partition's {@link InFlightWindow} into checkpoints and position-map runs
 * (written together), and says when the source cursor may follow them ({@link CursorAcks}): the
 * cursor never passes a checkpoint the store has not made durable. Used from the partition's actor
 * only.
 */
final class CheckpointWriter {
  private final CheckpointStore store;
  private final SourcePartition key;
  private final int[] targetPartitions;
  private final PartitionReplicatorMetrics metrics;
  private final CursorAcks cursorAcks;
  private final PositionRunBuilder positionRuns = new PositionRunBuilder();
  // Runs of a write that failed; they go with the next one.
  private final List<PositionRun> unwrittenRuns = new ArrayList<>();
  private Checkpoint lastWritten; // null: no checkpoint yet
  private Position lastTarget; // where the target put the last forwarded message; null: none
  private long forwardedCount;
  // The highest sequence id sent (or found on the target) up to the last settled message.
  private long lastSequenceId = -1;

  /**
   * Continues from the partition's checkpoint, if it has one.
   *
   * @throws StateStoreException if it cannot be read (a corrupt checkpoint, named in the message)
   */
  CheckpointWriter(
      CheckpointStore store,
      SourcePartition key,
      TargetRouting routing,
      Duration syncInterval,
      PartitionReplicatorMetrics metrics) {
    this.store = store;
    this.key = key;
    this.targetPartitions = routing.partitions();
    this.metrics = metrics;
    this.cursorAcks = new CursorAcks(syncInterval, System::nanoTime);
    lastWritten = store.get(key).orElse(null);
    if (lastWritten != null) {
      lastSequenceId = lastWritten.sequenceId();
      forwardedCount = lastWritten.forwardedCount();
      lastTarget = lastWritten.target().orElse(null);
    }
  }

  /** The last checkpoint written (or found at start). */
  Optional<Checkpoint> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  /** Whether the checkpoint names a position on the target (something was forwarded). */
  boolean forwardedBefore() {
    return lastTarget != null;
  }

  /** The highest sequence id sent (or found on the target) up to the last settled message. */
  long lastSequenceId() {
    return lastSequenceId;
  }

  /** A slot left the window, in order: counts it and maps where the target put it. */
  void settled(InFlight slot) {
    if (slot.forwarded) {
      forwardedCount += slot.messages;
      if (slot.duplicate()) {
        metrics.duplicateDropped(); // the target holds this message already
      } else if (slot.targetId() != null) {
        mapOnTarget(slot);
      }
    }
    if (slot.sequenced) {
      lastSequenceId = Math.max(lastSequenceId, slot.sequenceId);
    }
  }

  private void mapOnTarget(InFlight slot) {
    Position target = Positions.of(slot.targetId());
    int targetPartition = targetPartitions[slot.route];
    boolean mapped = !BenchDiagnostics.stateWritesDisabled();
    if (slot.batch) {
      // The batch went whole: each message keeps its batch index.
      lastTarget = new Position(target.ledgerId(), target.entryId(), slot.messages - 1);
      if (mapped) {
        positionRuns.addBatch(
            new Position(slot.source.ledgerId(), slot.source.entryId(), 0),
            targetPartition,
            new Position(target.ledgerId(), target.entryId(), 0),
            slot.messages);
      }
    } else {
      lastTarget = target;
      if (mapped) {
        positionRuns.add(slot.source, targetPartition, target);
      }
    }
  }

  /**
   * Writes the checkpoint at what {@code window} settled last, with the position-map runs settled
   * since, then lets the cursor follow (once durable) and prunes the anchors behind it.
   *
   * @throws StateStoreException if the store refuses; nothing is lost, the next flush writes it
   * @throws IllegalArgumentException if the store refuses the runs: a bug, never to be hidden
   * @return whether a checkpoint was written (something settled since the last one)
   */
  boolean flush(InFlightWindow window, PartitionSource<?> source, Sequencer sequencer) {
    Optional<InFlight> settled = window.checkpointable();
    if (settled.isEmpty()) {
      return false;
    }
    InFlight acked = settled.get();
    Checkpoint checkpoint =
        new Checkpoint(
            acked.source,
            lastSequenceId,
            Optional.ofNullable(lastTarget),
            acked.publishTime,
            forwardedCount,
            System.currentTimeMillis());
    if (!BenchDiagnostics.stateWritesDisabled()) {
      long start = System.nanoTime();
      // The builder's open run comes again, grown, with the same start: it replaces its copy.
      for (PositionRun run : positionRuns.drain()) {
        int last = unwrittenRuns.size() - 1;
        if (last >= 0 && unwrittenRuns.get(last).sourceStart().equals(run.sourceStart())) {
          unwrittenRuns.set(last, run);
        } else {
          unwrittenRuns.add(run);
        }
      }
      store.putAll(Map.of(key, checkpoint), Map.of(key, unwrittenRuns));
      unwrittenRuns.clear();
      metrics.checkpointWrite().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    window.checkpointed(acked);
    lastWritten = checkpoint;
    source.cursorIdOf(acked.sourceId).ifPresent(cursorAcks::written);
    sequencer.pruneBefore(acked.source);
    return true;
  }

  /**
   * A redelivery of what a written checkpoint already covers (the cursor's acknowledgement was lost
   * in a crash, or the cursor was moved back) moves the cursor past it again: otherwise an idle
   * partition would keep that backlog on the source until new traffic came.
   */
  void replayed(MessageId sourceId, Position position, PartitionSource<?> source) {
    if (lastWritten != null && position.compareTo(lastWritten.source()) <= 0) {
      source.cursorIdOf(sourceId).ifPresent(cursorAcks::written);
    }
  }

  /**
   * Where the cursor may move now: to the last checkpoint written, once the store made it durable
   * against a machine crash (synced here): every sync interval, or now with {@code force}
   * (stopping). Empty where it need not move.
   */
  Optional<MessageId> durableCursor(boolean force) {
    if (cursorAcks.pending() == null || !(force || cursorAcks.syncDue())) {
      return Optional.empty();
    }
    store.sync();
    return Optional.of(cursorAcks.synced());
  }

  /**
   * A write while the store refuses them, to learn whether it takes them again: the anchors not yet
   * saved, else the last checkpoint again, else the anchors as they are. With something settled,
   * the next flush is the probe.
   */
  void probe(Sequencer sequencer, boolean settledSinceFlush) {
    if (sequencer.hasUnsaved()) {
      sequencer.saveAnchors();
    } else if (!settledSinceFlush && lastWritten != null) {
      store.putAll(Map.of(key, lastWritten));
    } else if (!settledSinceFlush) {
      sequencer.rewriteAnchors();
    }
  }

  /** The source was rebuilt: the checkpoint's position means nothing there any more. */
  void forgetPosition() {
    lastWritten = null;
  }
}
