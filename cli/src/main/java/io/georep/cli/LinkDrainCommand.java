package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.ExitCodes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class LinkDrainCommand extends LinkActionCommand {

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait, at most 1h (e.g. 90s, 5m). Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Override
  String action() {
    return "drain";
  }

  @Override
  Map<String, String> body() {
    return Map.of("timeout", timeout.toString()); // ISO-8601, which the API reads
  }

  @Override
  Duration answerWithin() {
    return answerWithin(timeout);
  }

  @Override
  int exitCode(JsonNode outcome) {
    return outcome.path("drained").asBoolean() ? ExitCodes.OK : ExitCodes.NOT_DRAINED;
  }

  @Override
  void print(PrintWriter out, JsonNode outcome) {
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
