package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.daemon.ExitCodes;
import org.junit.jupiter.api.Test;

class GeorepTest {

  @Test
  void versionAndCommitComeFromTheBuild() {
    CliRun run = CliRun.execute("--version");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .matches("georep \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown)\\)\n");
  }

  @Test
  void completionScriptCoversTheCommands() {
    CliRun run = CliRun.execute("generate-completion");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .contains("complete -F _complete_georep", "sandbox", "validate", "--config");
  }

  @Test
  void everyCommandAnswersVersion() {
    CliRun top = CliRun.execute("--version");
    CliRun sub = CliRun.execute("status", "--version");

    assertThat(sub.exitCode()).as(sub::toString).isEqualTo(ExitCodes.OK);
    assertThat(sub.out()).as(sub::toString).isEqualTo(top.out());
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    CliRun run = CliRun.execute("--help");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .contains("run", "validate", "status", "Exit codes:")
        .containsPattern("1\\s+invalid configuration")
        .containsPattern("4\\s+no georep daemon answers");
  }

  @Test
  void everyCommandHasHelpWithExitCodes() {
    for (String command : new String[] {"run", "validate", "status"}) {
      CliRun run = CliRun.execute(command, "--help");

      assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
      assertThat(run.out()).as(run::toString).contains("Usage: georep " + command, "Exit codes:");
    }
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun run = CliRun.execute();

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).as(run::toString).contains("Missing a command", "Usage: georep");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.execute("validate", "--config", "x.yaml", "--colour");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).as(run::toString).contains("--colour");
  }

  @Test
  void malformedListenAddressIsAUsageError() {
    CliRun run = CliRun.execute("run", "--config", "x.yaml", "--http-listen", "9464");

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).as(run::toString).contains("'9464' is not host:port");
  }
}
