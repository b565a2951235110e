package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.ExitCodes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code georep reload}: asks a running daemon to read its configuration file again (the same as
 * sending it SIGHUP) and prints what changed.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a running daemon read its configuration file again: links added start, links removed"
          + " drain and stop, links changed restart, the others go on untouched.",
      "A file with problems changes nothing (exit 2, the problems listed); a change of state,"
          + " http or limits needs a restart (exit 3)."
    })
final class ReloadCommand implements Callable<Integer> {
  /** Stopping a link drains it (up to a minute); the daemon answers once all is applied. */
  static final Duration ANSWER_WITHIN = Duration.ofMinutes(3);

  static final String PATH = "/api/v1/reload";

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    JsonNode outcome = daemon.client(spec.commandLine()).post(PATH, Map.of(), ANSWER_WITHIN);
    output.print(
        spec.commandLine().getOut(),
        outcome,
        out -> {
          for (String part : new String[] {"added", "removed", "restarted", "unchanged"}) {
            JsonNode names = outcome.path(part);
            StringBuilder line = new StringBuilder(part).append(": ");
            if (names.isEmpty()) {
              line.append("-");
            }
            for (int i = 0; i < names.size(); i++) {
              line.append(i == 0 ? "" : ", ").append(names.get(i).asText());
            }
            out.println(line);
          }
        });
    return ExitCodes.OK;
  }
}
