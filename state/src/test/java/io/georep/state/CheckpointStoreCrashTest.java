package io.georep.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing process with SIGKILL and checks that every write it reported survived. */
class CheckpointStoreCrashTest {

  private static final long REPORTED_BEFORE_KILL = 200;

  @TempDir Path root;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void everyReportedWriteSurvivesSigkill() throws Exception {
    Path dir = root.resolve("state");
    Path stderr = root.resolve("child.stderr");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CheckpointWriterMain.class.getName(),
                dir.toString())
            .redirectError(stderr.toFile())
            .start();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    long reported;
    try {
      Future<Long> written = reader.submit(() -> readUntilWritten(child, REPORTED_BEFORE_KILL));
      try {
        reported = written.get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "child did not report "
                + REPORTED_BEFORE_KILL
                + " batches in 60 s; stderr:\n"
                + Files.readString(stderr),
            e);
      }

      assertThatThrownBy(() -> StateStore.open(dir))
          .isInstanceOf(StateStoreLockedException.class)
          .hasMessageContaining("state directory " + dir + " is in use by another georep process")
          .hasMessageContaining("stop that daemon or point state.dir elsewhere");

      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
      assertThat(child.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
    } finally {
      child.destroyForcibly();
      reader.shutdownNow();
    }

    try (StateStore store = StateStore.open(dir)) {
      Map<SourcePartition, Checkpoint> stored = store.checkpoints().all(CheckpointWriterMain.LINK);
      assertThat(stored).containsKey(CheckpointWriterMain.LATEST);
      long lastBatch = CheckpointWriterMain.batchOf(stored.get(CheckpointWriterMain.LATEST));

      assertThat(lastBatch).isGreaterThanOrEqualTo(reported);
      // whole batches only: everything of batches 1..lastBatch, nothing of a later one
      assertThat(stored).isEqualTo(CheckpointWriterMain.expectedAfter(lastBatch));
    }
  }

  /** Reads the child's stdout until it reports batch {@code target}; fails if stdout ends first. */
  private static long readUntilWritten(Process child, long target) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.startsWith("written ")) {
        long n = Long.parseLong(line.substring("written ".length()));
        if (n >= target) {
          return n;
        }
      }
    }
    throw new AssertionError("child stopped before reporting batch " + target);
  }
}
