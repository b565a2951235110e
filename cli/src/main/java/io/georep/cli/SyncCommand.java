package io.georep.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code georep sync}: copies things other than messages from a link's source to its target. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = "Copies what is not messages from a link's source to its target.",
    subcommands = {SyncMetadataCommand.class, SyncSubscriptionsCommand.class})
final class SyncCommand implements Runnable {

  @Spec CommandSpec spec;

  /** Without a noun: a usage error, which prints the usage. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing what to sync (metadata or subscriptions)");
  }
}
