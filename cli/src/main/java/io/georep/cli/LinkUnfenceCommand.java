package io.georep.cli;

import picocli.CommandLine.Command;

/** {@code georep link unfence NAME}. */
@Command(
    name = "unfence",
    mixinStandardHelpOptions = true,
    description = "Lifts the fence of a link: it starts again.")
final class LinkUnfenceCommand extends LinkActionCommand {

  @Override
  String action() {
    return "unfence";
  }
}
