package io.georep.state;

import io.georep.state.RocksDatabase.Family;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.rocksdb.RocksDBException;

/**
 * {@link CheckpointStore} on the {@code checkpoints} column family, encoded by {@link
 * CheckpointCodec}.
 */
final class RocksCheckpointStore implements CheckpointStore {

  private final RocksDatabase db;

  RocksCheckpointStore(RocksDatabase db) {
    this.db = db;
  }

  @Override
  public Optional<Checkpoint> get(SourcePartition partition) {
    return db.get(
            "read the checkpoint of " + partition,
            Family.CHECKPOINTS,
            CheckpointCodec.encodeKey(partition))
        .map(value -> decode(partition, value));
  }

  @Override
  public Map<SourcePartition, Checkpoint> all(String link) {
    Map<SourcePartition, Checkpoint> checkpoints = new LinkedHashMap<>();
    db.scan(
        "read the checkpoints of link '" + link + "'",
        Family.CHECKPOINTS,
        CheckpointCodec.keyPrefix(link),
        (key, value) -> {
          SourcePartition partition = CheckpointCodec.decodeKey(key);
          checkpoints.put(partition, decode(partition, value));
        });
    return Collections.unmodifiableMap(checkpoints);
  }

  @Override
  public void putAll(
      Map<SourcePartition, Checkpoint> checkpoints, Map<SourcePartition, List<PositionRun>> runs) {
    int runCount = 0;
    for (List<PositionRun> ofPartition : runs.values()) {
      runCount += ofPartition == null ? 0 : ofPartition.size();
    }
    if (checkpoints.isEmpty() && runCount == 0) {
      return;
    }
    db.write(
        "write " + checkpoints.size() + " checkpoints and " + runCount + " position-map runs",
        batch -> {
          for (Map.Entry<SourcePartition, Checkpoint> entry : checkpoints.entrySet()) {
            Checkpoint checkpoint =
                Objects.requireNonNull(entry.getValue(), () -> "checkpoint of " + entry.getKey());
            batch.put(
                Family.CHECKPOINTS,
                CheckpointCodec.encodeKey(entry.getKey()),
                CheckpointCodec.encodeValue(checkpoint));
          }
          for (Map.Entry<SourcePartition, List<PositionRun>> entry : runs.entrySet()) {
            putRuns(batch, entry.getKey(), entry.getValue());
          }
        });
  }

  private static void putRuns(
      RocksDatabase.Batch batch, SourcePartition partition, List<PositionRun> runs)
      throws RocksDBException {
    Objects.requireNonNull(runs, () -> "position-map runs of " + partition);
    if (runs.isEmpty()) {
      return;
    }
    byte[] prefix = PositionMapCodec.partitionPrefix(partition);
    PositionRun previous = null;
    for (PositionRun run : runs) {
      Objects.requireNonNull(run, () -> "position-map run of " + partition);
      if (previous != null && run.sourceStart().compareTo(previous.sourceEnd()) <= 0) {
        throw new IllegalArgumentException(
            "position-map runs of "
                + partition
                + " overlap or are out of order: a run starting at "
                + run.sourceStart()
                + " follows one ending at "
                + previous.sourceEnd());
      }
      batch.put(
          Family.POSITION_MAP,
          PositionMapCodec.encodeKey(prefix, run.sourceStart()),
          PositionMapCodec.encodeValue(run));
      previous = run;
    }
  }

  @Override
  public void delete(SourcePartition partition) {
    byte[] key = CheckpointCodec.encodeKey(partition);
    db.write(
        "delete the checkpoint of " + partition,
        batch -> {
          batch.delete(Family.CHECKPOINTS, key);
          batch.delete(Family.SEQUENCE_ANCHORS, key);
        });
  }

  @Override
  public void sync() {
    db.sync("sync the checkpoints");
  }

  @Override
  public List<SequenceAnchor> anchors(SourcePartition partition) {
    return db.get(
            "read the sequence anchors of " + partition,
            Family.SEQUENCE_ANCHORS,
            CheckpointCodec.encodeKey(partition))
        .map(value -> SequenceAnchorCodec.decode(partition, value))
        .orElse(List.of());
  }

  @Override
  public void putAnchors(SourcePartition partition, List<SequenceAnchor> anchors) {
    byte[] value = SequenceAnchorCodec.encode(anchors);
    db.write(
        "write the sequence anchors of " + partition,
        true,
        batch -> batch.put(Family.SEQUENCE_ANCHORS, CheckpointCodec.encodeKey(partition), value));
  }

  private Checkpoint decode(SourcePartition partition, byte[] value) {
    try {
      return CheckpointCodec.decodeValue(value);
    } catch (StateStoreException e) {
      throw new StateStoreException(
          "cannot read the checkpoint of "
              + partition
              + " in state directory "
              + db.directory()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
