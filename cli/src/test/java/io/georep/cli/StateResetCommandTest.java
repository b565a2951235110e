package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.daemon.ExitCodes;
import io.georep.state.Checkpoint;
import io.georep.state.Position;
import io.georep.state.PositionRun;
import io.georep.state.SequenceAnchor;
import io.georep.state.SourcePartition;
import io.georep.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateResetCommandTest {
  private static final String TOPIC = "persistent://t/ns/orders";
  private static final SourcePartition P0 = new SourcePartition("l", TOPIC + "-partition-0");
  private static final SourcePartition P1 = new SourcePartition("l", TOPIC + "-partition-1");
  private static final SourcePartition OTHER = new SourcePartition("l", "persistent://t/ns/audit");

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void stateOfThreePartitions() throws IOException {
    config =
        Files.writeString(
            dir.resolve("georep.yaml"),
            """
            clusters:
              east: { serviceUrl: "pulsar://e:6650", adminUrl: "http://e:8080" }
              west: { serviceUrl: "pulsar://w:6650", adminUrl: "http://w:8080" }
            state: { dir: %s }
            links:
              - { name: l, source: east, target: west, scope: { namespaces: [t/ns] } }
            """
                .formatted(dir.resolve("state")));
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      for (SourcePartition p : List.of(P0, P1, OTHER)) {
        Position at = new Position(7, 41, -1);
        store
            .checkpoints()
            .putAll(
                Map.of(p, new Checkpoint(at, 9, new Position(3, 2, -1), 1, 42, 2)),
                Map.of(
                    p,
                    List.of(
                        new PositionRun(
                            at,
                            PositionRun.Step.ENTRY,
                            0,
                            new Position(3, 2, -1),
                            PositionRun.Step.ENTRY,
                            1))));
        store.checkpoints().putAnchors(p, List.of(new SequenceAnchor(7, 0, 0, 1 << 20)));
      }
    }
  }

  @Test
  void aDryRunNamesWhatWouldGoAndChangesNothing() {
    CliRun run =
        CliRun.execute(
            "state",
            "reset",
            "--config",
            config.toString(),
            "--link",
            "l",
            "--topic",
            TOPIC,
            "--dry-run");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .contains(
            "Would reset "
                + P0.topic()
                + ": checkpoint at 7:41:-1 (42 messages forwarded),"
                + " 1 sequence anchor, its position map")
        .contains("Would reset " + P1.topic())
        .doesNotContain("audit")
        .contains("Nothing changed (--dry-run).");
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      assertThat(store.checkpoints().all("l")).hasSize(3);
      assertThat(store.checkpoints().anchors(P0)).hasSize(1);
    }
  }

  @Test
  void aResetForgetsCheckpointAnchorsAndMapOfThatTopicOnly() {
    CliRun run =
        CliRun.execute(
            "state", "reset", "--config", config.toString(), "--link", "l", "--topic", TOPIC);

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .contains("The next start resumes them from the cursor georep-l on east.");
    try (StateStore store = StateStore.open(dir.resolve("state"))) {
      assertThat(store.checkpoints().all("l")).containsOnlyKeys(OTHER);
      assertThat(store.checkpoints().anchors(P0)).isEmpty();
      assertThat(store.positionMap().earliest(P0)).isEmpty();
      assertThat(store.positionMap().earliest(OTHER)).isPresent();
    }
  }

  @Test
  void aRunningDaemonsStoreIsNotTouched() {
    try (StateStore held = StateStore.open(dir.resolve("state"))) {
      CliRun run =
          CliRun.execute(
              "state", "reset", "--config", config.toString(), "--link", "l", "--topic", TOPIC);

      assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.FAILURE);
      assertThat(run.err()).as(run::toString).contains("is in use").contains("stop it first");
      assertThat(held.checkpoints().all("l")).hasSize(3);
    }
  }
}
