package io.georep.state;

import io.georep.state.RocksDatabase.Family;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
  public void putAll(Map<SourcePartition, Checkpoint> checkpoints) {
    if (checkpoints.isEmpty()) {
      return;
    }
    db.write(
        "write " + checkpoints.size() + " checkpoints",
        batch -> {
          for (Map.Entry<SourcePartition, Checkpoint> entry : checkpoints.entrySet()) {
            Checkpoint checkpoint =
                Objects.requireNonNull(entry.getValue(), () -> "checkpoint of " + entry.getKey());
            batch.put(
                Family.CHECKPOINTS,
                CheckpointCodec.encodeKey(entry.getKey()),
                CheckpointCodec.encodeValue(checkpoint));
          }
        });
  }

  @Override
  public void delete(SourcePartition partition) {
    db.delete(
        "delete the checkpoint of " + partition,
        Family.CHECKPOINTS,
        CheckpointCodec.encodeKey(partition));
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
