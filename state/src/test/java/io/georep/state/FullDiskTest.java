package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the store lives on a small tmpfs (mounted here, so this needs root; it is
 * skipped elsewhere), which a filler file fills up. Writes fail with a named error while the disk
 * is full and succeed again, by themselves, once room is made.
 */
class FullDiskTest {
  @TempDir Path dir;
  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mount = dir.resolve("small");
    Files.createDirectories(mount);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    mounted = p.waitFor() == 0;
    assumeTrue(mounted, "mounting a tmpfs needs root");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  @Test
  void writesFailWhileTheDiskIsFullAndSucceedAgainOnceThereIsRoom() throws Exception {
    SourcePartition partition = new SourcePartition("l", "persistent://t/ns/x");
    try (StateStore store = StateStore.open(mount.resolve("state"))) {
      store.checkpoints().putAll(Map.of(partition, checkpoint(1)));
      Path filler = fill(mount.resolve("filler"));

      assertThatThrownBy(
              () -> {
                for (int i = 2; i < 10_000; i++) {
                  store.checkpoints().putAll(Map.of(partition, checkpoint(i)));
                  store.checkpoints().sync();
                }
              })
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("write 1 checkpoints");

      Files.delete(filler);
      // The next writes reopen the store (at most once a second) and go through.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreException(StateStoreException.class)
          .untilAsserted(
              () -> {
                store.checkpoints().putAll(Map.of(partition, checkpoint(20_000)));
                store.checkpoints().sync();
              });
      assertThat(store.checkpoints().get(partition)).contains(checkpoint(20_000));
    }
  }

  @Test
  void aStoreReopenedWhileTheDiskIsStillFullRecoversOnceThereIsRoom() throws Exception {
    SourcePartition partition = new SourcePartition("l", "persistent://t/ns/x");
    try (StateStore store = StateStore.open(mount.resolve("state"))) {
      store.checkpoints().putAll(Map.of(partition, checkpoint(1)));
      Path filler = fill(mount.resolve("filler"));
      // Failing writes, and reopens (at most once a second), for three seconds of a full disk.
      long until = System.nanoTime() + 3_000_000_000L;
      int failures = 0;
      for (int i = 2; System.nanoTime() < until; i++) {
        try {
          store.checkpoints().putAll(Map.of(partition, checkpoint(i)));
          store.checkpoints().sync();
        } catch (StateStoreException expected) {
          failures++;
        }
      }
      assertThat(failures).isPositive();

      Files.delete(filler);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreException(StateStoreException.class)
          .untilAsserted(
              () -> {
                store.checkpoints().putAll(Map.of(partition, checkpoint(30_000)));
                store.checkpoints().sync();
              });
      assertThat(store.checkpoints().get(partition)).contains(checkpoint(30_000));
    }
  }

  private static Path fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (var out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      return file;
    }
  }

  private static Checkpoint checkpoint(long entry) {
    return new Checkpoint(new Position(1, entry, -1), entry, new Position(2, entry, -1), 3, 4, 5);
  }
}
