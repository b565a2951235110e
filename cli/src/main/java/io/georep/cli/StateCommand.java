package io.georep.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code georep state}: looks after the daemon's local state store. */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description = "Looks after the daemon's local state store (the daemon must be stopped).",
    subcommands = {StateResetCommand.class})
final class StateCommand implements Runnable {

  @Spec CommandSpec spec;

  /** Without a verb: a usage error, which prints the usage. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing what to do (reset)");
  }
}
