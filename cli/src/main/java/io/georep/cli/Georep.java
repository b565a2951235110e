package io.georep.cli;

import io.georep.daemon.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code georep} command: replicates and migrates data between Apache Pulsar clusters. */
@Command(
    name = "georep",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Replicates and migrates data between Apache Pulsar clusters.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      LinkCommand.class,
      ReloadCommand.class,
      SyncCommand.class,
      StateCommand.class,
      SandboxCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Georep implements Runnable {
  static final String VERBOSE = "--verbose";

  @Spec CommandSpec spec;

  /** Read by {@link ErrorHandler} from the parse result, wherever on the line it was given. */
  @Option(
      names = {"-v", VERBOSE},
      scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace too.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line as {@link #main} runs it: the error handler, the exit codes and their
   * documentation in every command's {@code --help}, {@code --version} on every command. Tests call
   * {@code execute} on it with their own {@code setOut}/{@code setErr}.
   */
  public static CommandLine commandLine() {
    ErrorHandler errors = new ErrorHandler();
    CommandLine commandLine =
        new CommandLine(new Georep())
            .setExecutionExceptionHandler(errors)
            .setExitCodeExceptionMapper(errors)
            .setCaseInsensitiveEnumValuesAllowed(true);
    shareHelpAndVersion(commandLine, new VersionProvider());
    // picocli hides it by default; listed, so that `georep --help` tells how to get completion
    commandLine
        .getSubcommands()
        .get("generate-completion")
        .getCommandSpec()
        .usageMessage()
        .hidden(false);
    return commandLine;
  }

  /** Every command lists the exit codes in its help and answers {@code --version}. */
  private static void shareHelpAndVersion(CommandLine commandLine, VersionProvider version) {
    CommandSpec command = commandLine.getCommandSpec();
    command.usageMessage().exitCodeListHeading("%nExit codes:%n");
    command.usageMessage().exitCodeList(ExitCodes.descriptions());
    command.versionProvider(version);
    commandLine.getSubcommands().values().forEach(sub -> shareHelpAndVersion(sub, version));
  }

  /** Without a subcommand: a usage error, which prints the usage. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }
}
