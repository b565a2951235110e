package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.daemon.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's own checks, before it reaches any cluster; the rest is in MetadataSyncIT. */
class SyncMetadataCommandTest {
  @TempDir Path dir;

  @Test
  void anUnknownLinkIsAUsageErrorNamingTheLinksThereAre() throws Exception {
    Path config = config();

    CliRun run =
        CliRun.execute("sync", "metadata", "--config", config.toString(), "--link", "nope");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("no link named 'nope'").contains("east-to-west");
  }

  @Test
  void anUntypedOverwriteIsAUsageErrorNamingTheTypedForms() throws Exception {
    Path config = config();

    CliRun run =
        CliRun.execute(
            "sync",
            "metadata",
            "--config",
            config.toString(),
            "--link",
            "east-to-west",
            "--overwrite",
            "retention");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("invalid --overwrite 'retention'").contains("policy:retention");
  }

  /** One link between clusters nobody listens on: the command must fail before it calls them. */
  private Path config() throws Exception {
    Path config = dir.resolve("georep.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "clusters:",
            "  east: { serviceUrl: pulsar://127.0.0.1:1, adminUrl: http://127.0.0.1:1 }",
            "  west: { serviceUrl: pulsar://127.0.0.1:2, adminUrl: http://127.0.0.1:2 }",
            "state: { dir: " + dir.resolve("state") + " }",
            "links:",
            "  - { name: east-to-west, source: east, target: west, scope: { cluster: true } }",
            ""));
    return config;
  }

  @Test
  void syncWithoutWhatToSyncIsAUsageError() {
    CliRun run = CliRun.execute("sync");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Missing what to sync");
  }
}
