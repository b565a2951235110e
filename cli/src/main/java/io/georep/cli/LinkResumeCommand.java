package io.georep.cli;

import picocli.CommandLine.Command;

/** {@code georep link resume NAME}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused link.")
final class LinkResumeCommand extends LinkActionCommand {

  @Override
  String action() {
    return "resume";
  }
}
