package io.georep.cli;

import io.georep.daemon.StatusServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code georep link}: the links of a running daemon, through its control API. */
@Command(
    name = "link",
    mixinStandardHelpOptions = true,
    description = {
      "Shows and controls the links of a running georep daemon through its control API",
      "(docs/control-api.md). Changing a link needs --token-file when the daemon has an",
      "http.tokenFile."
    },
    subcommands = {
      LinkGetCommand.class,
      LinkDescribeCommand.class,
      LinkPauseCommand.class,
      LinkResumeCommand.class,
      LinkDrainCommand.class,
      LinkFenceCommand.class,
      LinkUnfenceCommand.class
    })
final class LinkCommand implements Runnable {
  static final String LINKS_PATH = StatusServer.LINKS_PATH;

  @Spec CommandSpec spec;

  /** {@code /api/v1/links/NAME[/ACTION]}, the name percent-encoded. */
  static String path(String name, String... action) {
    String encoded =
        java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20");
    return LINKS_PATH + "/" + encoded + (action.length == 0 ? "" : "/" + action[0]);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing a subcommand: get, describe, pause, resume, drain, fence or unfence");
  }
}
