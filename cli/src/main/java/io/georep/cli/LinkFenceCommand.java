package io.georep.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code georep link fence NAME [--reason TEXT]}. */
@Command(
    name = "fence",
    mixinStandardHelpOptions = true,
    description = {
      "Fences a link: it stops (in-flight sends complete, checkpoints are written) and does not",
      "start again, not even after a daemon restart, until georep link unfence."
    })
final class LinkFenceCommand extends LinkActionCommand {

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why, kept with the fence (e.g. 'cut-over to west, ticket 4711').")
  String reason;

  @Override
  String action() {
    return "fence";
  }

  @Override
  Map<String, String> body() {
    return reason == null ? Map.of() : Map.of("reason", reason);
  }
}
