package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyStateStoreTest {
  @TempDir Path dir;

  @Test
  void readsBesideAWriterThatHoldsTheLock() {
    SourcePartition partition = new SourcePartition("l", "persistent://t/n/a");
    Position source = new Position(3, 4, 0);
    Position target = new Position(9, 1, 0);
    try (StateStore writer = StateStore.open(dir)) {
      writer
          .checkpoints()
          .putAll(
              Map.of(partition, new Checkpoint(source, 1, target, 5, 1, 6)),
              Map.of(
                  partition,
                  List.of(
                      new PositionRun(
                          source, PositionRun.Step.BATCH, 2, target, PositionRun.Step.BATCH, 1))));
      try (StateStore reader = StateStore.openReadOnly(dir)) {
        assertThat(reader.positionMap().lookup(partition, source))
            .contains(new MappedPosition(source, 2, target));
        assertThat(reader.checkpoints().get(partition)).isPresent();
        assertThatThrownBy(() -> reader.checkpoints().delete(partition))
            .isInstanceOf(StateStoreException.class);
      }
    }
  }

  @Test
  void readsADirectoryWrittenBeforeSequenceAnchorsExisted() throws Exception {
    createOlderDirectory("default", "checkpoints", "position-map", "workflows", "audit");
    SourcePartition partition = new SourcePartition("l", "persistent://t/n/a");

    try (StateStore reader = StateStore.openReadOnly(dir)) {
      assertThat(reader.checkpoints().anchors(partition)).isEmpty();
      assertThat(reader.checkpoints().get(partition)).isEmpty();
      assertThat(reader.linkFences().all()).isEmpty();
      assertThat(reader.linkFences().fenceOf("l")).isEmpty();
    }
  }

  @Test
  void aReadOnlyStoreStaysReadOnlyAfterARefusedWrite() {
    StateStore.open(dir).close();

    try (StateStore reader = StateStore.openReadOnly(dir)) {
      // Before: the refused write marked the store as failed, and a write a second later reopened
      // it for writing, and succeeded.
      await()
          .during(Duration.ofMillis(1_500))
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                try {
                  reader.workflows().create("m1", "migration", "{}", "a", "");
                  return false;
                } catch (StateStoreException e) {
                  return e.getMessage().contains("is open read-only");
                }
              });
      assertThat(reader.workflows().list()).isEmpty();
    }
    try (StateStore writer = StateStore.open(dir)) {
      assertThat(writer.workflows().list()).isEmpty();
    }
  }

  @Test
  void readsADirectoryWrittenBeforeWorkflowsExisted() throws Exception {
    createOlderDirectory("default", "checkpoints", "position-map");

    try (StateStore reader = StateStore.openReadOnly(dir)) {
      assertThat(reader.workflows().list()).isEmpty();
      assertThat(reader.workflows().unfinished()).isEmpty();
      assertThat(reader.workflows().get("m1")).isEmpty();
      assertThat(reader.workflows().audit("m1")).isEmpty();
      assertThatThrownBy(() -> reader.workflows().create("m1", "migration", "{}", "a", ""))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("is open read-only");
    }
    try (StateStore writer = StateStore.open(dir)) {
      writer.workflows().create("m1", "migration", "{}", "a", "");
      assertThat(writer.workflows().audit("m1")).hasSize(1);
    }
  }

  private void createOlderDirectory(String... families) throws Exception {
    org.rocksdb.RocksDB.loadLibrary();
    List<org.rocksdb.ColumnFamilyDescriptor> older = new java.util.ArrayList<>();
    for (String name : families) {
      older.add(new org.rocksdb.ColumnFamilyDescriptor(name.getBytes()));
    }
    List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
    try (org.rocksdb.DBOptions options =
            new org.rocksdb.DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true);
        org.rocksdb.RocksDB db =
            org.rocksdb.RocksDB.open(options, dir.toString(), older, handles)) {
      handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
    }
  }

  @Test
  void aMissingDirectoryIsNamed() {
    assertThatThrownBy(() -> StateStore.openReadOnly(dir.resolve("none")))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("no state directory at");
  }
}
