package io.georep.cli;

import picocli.CommandLine.Command;

/** {@code georep link pause NAME}. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description =
        "Pauses a link: it stops reading its sources; what is in flight completes. Not kept across a daemon restart.")
final class LinkPauseCommand extends LinkActionCommand {

  @Override
  String action() {
    return "pause";
  }
}
