package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class StateStoreTest {

  private static final SourcePartition PARTITION =
      new SourcePartition("east-to-west", "persistent://t/ns/orders-partition-0");
  private static final Checkpoint CHECKPOINT =
      new Checkpoint(new Position(5, 6, -1), 7, new Position(8, 9, 2), 10, 11, 12);

  @TempDir Path root;

  @Test
  void createsTheDirectoryAndEveryColumnFamily() throws Exception {
    Path dir = root.resolve("a/b/state");

    try (StateStore store = StateStore.open(dir)) {
      assertThat(store.directory()).isEqualTo(dir.toAbsolutePath());
    }

    try (Options options = new Options()) {
      List<String> families =
          RocksDB.listColumnFamilies(options, dir.toString()).stream()
              .map(name -> new String(name, UTF_8))
              .toList();
      assertThat(families)
          .containsExactlyInAnyOrder(
              "default",
              "checkpoints",
              "position-map",
              "workflows",
              "audit",
              "sequence-anchors",
              "link-fences");
    }
  }

  @Test
  void reopenFindsWhatWasWritten() {
    try (StateStore store = StateStore.open(root)) {
      store.checkpoints().putAll(Map.of(PARTITION, CHECKPOINT));
    }

    try (StateStore store = StateStore.open(root)) {
      assertThat(store.checkpoints().get(PARTITION)).contains(CHECKPOINT);
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    try (StateStore first = StateStore.open(root)) {
      assertThatThrownBy(() -> StateStore.open(root))
          .isInstanceOfSatisfying(
              StateStoreLockedException.class,
              e -> assertThat(e.directory()).isEqualTo(root.toAbsolutePath()))
          .hasMessageContaining("state directory " + root.toAbsolutePath())
          .hasMessageContaining("lock file " + root.toAbsolutePath().resolve("LOCK"))
          .hasMessageContaining("point state.dir elsewhere");

      first.checkpoints().putAll(Map.of(PARTITION, CHECKPOINT));
    }

    try (StateStore again = StateStore.open(root)) {
      assertThat(again.checkpoints().get(PARTITION)).contains(CHECKPOINT);
    }
  }

  @Test
  void operationsAfterCloseThrow() {
    StateStore store = StateStore.open(root);
    store.close();
    store.close();

    assertThatThrownBy(() -> store.checkpoints().get(PARTITION))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("is closed")
        .hasMessageContaining(root.toAbsolutePath().toString());
  }
}
