package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path dir;

  private StateStore store;

  @BeforeEach
  void open() {
    store = StateStore.open(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void putGetAllDelete() {
    SourcePartition p0 = partition("east-to-west", 0);
    SourcePartition p1 = partition("east-to-west", 1);

    store.checkpoints().putAll(Map.of(p0, checkpoint(10), p1, checkpoint(11)));

    assertThat(store.checkpoints().get(p0)).contains(checkpoint(10));
    assertThat(store.checkpoints().all("east-to-west"))
        .containsExactly(Map.entry(p0, checkpoint(10)), Map.entry(p1, checkpoint(11)));

    store.checkpoints().putAll(Map.of(p0, checkpoint(20)));
    assertThat(store.checkpoints().get(p0)).contains(checkpoint(20));

    store.checkpoints().delete(p0);
    assertThat(store.checkpoints().get(p0)).isEmpty();
    assertThat(store.checkpoints().all("east-to-west")).containsOnlyKeys(p1);
  }

  @Test
  void sequenceAnchorsSurviveAReopenAndGoWithTheCheckpoint() {
    SourcePartition p0 = partition("east-to-west", 0);
    java.util.List<SequenceAnchor> anchors =
        java.util.List.of(
            new SequenceAnchor(1L << 33, 4_194_304, 7, 1 << 20),
            new SequenceAnchor(1L << 34, 0, 1L << 60, 1 << 21));
    store.checkpoints().putAll(Map.of(p0, checkpoint(10)));
    store.checkpoints().putAnchors(p0, anchors);
    store.close();
    store = StateStore.open(dir);

    assertThat(store.checkpoints().anchors(p0)).isEqualTo(anchors);
    assertThat(store.checkpoints().anchors(partition("east-to-west", 1))).isEmpty();
    assertThat(store.checkpoints().all("east-to-west")).containsOnlyKeys(p0);

    store.checkpoints().delete(p0);
    assertThat(store.checkpoints().anchors(p0)).isEmpty();
  }

  @Test
  void syncKeepsWhatWasWrittenAndCanBeCalledOften() {
    SourcePartition p0 = partition("east-to-west", 0);
    store.checkpoints().sync(); // nothing written yet: nothing to do
    store.checkpoints().putAll(Map.of(p0, checkpoint(12)));
    store.checkpoints().sync();
    store.checkpoints().sync();
    store.close();
    store = StateStore.open(dir);

    assertThat(store.checkpoints().get(p0)).contains(checkpoint(12));
  }

  @Test
  void anchorsOutOfOrderAreRefused() {
    SourcePartition p0 = partition("east-to-west", 0);
    assertThatThrownBy(
            () ->
                store
                    .checkpoints()
                    .putAnchors(
                        p0,
                        java.util.List.of(
                            new SequenceAnchor(5, 0, 100, 2), new SequenceAnchor(4, 0, 200, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of order");
    assertThat(store.checkpoints().anchors(p0)).isEmpty();
  }

  @Test
  void absentCheckpointIsEmpty() {
    assertThat(store.checkpoints().get(partition("nowhere", 0))).isEmpty();
    assertThat(store.checkpoints().all("nowhere")).isEmpty();
    store.checkpoints().delete(partition("nowhere", 0));
  }

  @Test
  void allIsSortedByTopic() {
    Map<SourcePartition, Checkpoint> unordered = new LinkedHashMap<>();
    for (int i : new int[] {3, 0, 2, 1}) {
      unordered.put(partition("link", i), checkpoint(i));
    }

    store.checkpoints().putAll(unordered);

    assertThat(store.checkpoints().all("link").keySet())
        .containsExactly(
            partition("link", 0), partition("link", 1), partition("link", 2), partition("link", 3));
  }

  @Test
  void allDoesNotReturnALinkWhoseNameStartsWithTheGivenOne() {
    SourcePartition ofA = partition("a", 0);
    SourcePartition ofAb = partition("ab", 0);
    SourcePartition ofB = partition("b", 0);
    store.checkpoints().putAll(Map.of(ofA, checkpoint(1), ofAb, checkpoint(2), ofB, checkpoint(3)));

    assertThat(store.checkpoints().all("a")).containsOnlyKeys(ofA);
    assertThat(store.checkpoints().all("ab")).containsOnlyKeys(ofAb);
    assertThat(store.checkpoints().all("b")).containsOnlyKeys(ofB);
  }

  @Test
  void putAllOfManyIsFoundAfterReopen() {
    Map<SourcePartition, Checkpoint> batch = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      batch.put(partition("link", i), checkpoint(i));
    }

    store.checkpoints().putAll(batch);
    store.close();
    store = StateStore.open(dir);

    assertThat(store.checkpoints().all("link")).isEqualTo(batch);
  }

  @Test
  void putAllWritesNothingWhenOneEntryIsInvalid() {
    Map<SourcePartition, Checkpoint> batch = new LinkedHashMap<>();
    batch.put(partition("link", 0), checkpoint(0));
    batch.put(partition("link", 1), null);

    assertThatThrownBy(() -> store.checkpoints().putAll(batch))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("checkpoint of " + partition("link", 1));
    assertThat(store.checkpoints().all("link")).isEmpty();
  }

  private static SourcePartition partition(String link, int index) {
    return new SourcePartition(link, "persistent://t/ns/orders-partition-" + index);
  }

  private static Checkpoint checkpoint(long n) {
    return new Checkpoint(
        new Position(n, n + 1, -1), n * 10, new Position(n + 2, n + 3, (int) n), n, n, n);
  }
}
