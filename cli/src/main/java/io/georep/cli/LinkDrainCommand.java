package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code georep link drain NAME [--timeout 30s]}: waits until the link has nothing in flight and no
 * backlog; exits {@link ExitCodes#NOT_DRAINED} when the timeout passes first.
 */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
      "Waits until a link has nothing in flight and no partition has a backlog; changes nothing.",
      "Pause the link first to drain it for good. Exits 6 when the timeout passes first."
    })
final class LinkDrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Parameters(paramLabel = "NAME", description = "The link.")
  String name;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait, at most 1h (e.g. 90s, 5m). Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Override
  public Integer call() {
    JsonNode outcome =
        daemon
            .client(spec.commandLine())
            .post(
                LinkCommand.path(name, "drain"),
                Map.of("timeout", timeout.toString()), // ISO-8601, which the API reads
                LinkActionCommand.answerWithin(timeout));
    output.print(spec.commandLine().getOut(), outcome, out -> print(out, outcome));
    return outcome.path("drained").asBoolean() ? ExitCodes.OK : ExitCodes.NOT_DRAINED;
  }

  private static void print(PrintWriter out, JsonNode outcome) {
    String link = outcome.path("link").asText();
    String waited = StatusTable.lag(outcome.path("waitedMillis").asLong());
    if (outcome.path("drained").asBoolean()) {
      out.println("link " + link + ": drained after " + waited);
    } else {
      out.println(
          "link "
              + link
              + ": not drained after "
              + waited
              + " ("
              + StatusTable.count(outcome.path("inFlight").asLong())
              + " in flight, backlog "
              + StatusTable.count(outcome.path("backlog").asLong())
              + ", lag "
              + StatusTable.lag(outcome.path("maxLagMillis").asLong())
              + ")");
    }
  }
}
