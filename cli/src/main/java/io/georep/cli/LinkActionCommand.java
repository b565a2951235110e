package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.LinkControlApi;
import io.georep.daemon.Plural;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A call that changes or waits on a link ({@code pause}, {@code resume}, {@code drain}, {@code
 * fence}, {@code unfence}): posts it to the control API and prints the link's state afterwards.
 */
abstract class LinkActionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Parameters(paramLabel = "NAME", description = "The link.")
  String name;

  /** The last segment of the call's path: {@code pause}, {@code fence}, … */
  abstract String action();

  /** The call's JSON body; none by default. */
  Map<String, String> body() {
    return Map.of();
  }

  /** How long the daemon may take to answer. */
  Duration answerWithin() {
    return answerWithin(LinkControlApi.CALL_TIMEOUT);
  }

  /** The exit code for the daemon's answer; {@link ExitCodes#OK} by default. */
  int exitCode(JsonNode outcome) {
    return ExitCodes.OK;
  }

  @Override
  public Integer call() {
    JsonNode outcome =
        daemon
            .client(spec.commandLine())
            .post(LinkCommand.path(name, action()), body(), answerWithin());
    output.print(spec.commandLine().getOut(), outcome, out -> print(out, outcome));
    return exitCode(outcome);
  }

  /** {@code link east-to-west: PAUSED (2 partitions, 17 in flight, backlog 250)}. */
  void print(PrintWriter out, JsonNode outcome) {
    out.println(
        "link "
            + outcome.path("link").asText()
            + ": "
            + outcome.path("state").asText()
            + " ("
            + Plural.of(outcome.path("partitions").asLong(), "partition")
            + ", "
            + StatusTable.count(outcome.path("inFlight").asLong())
            + " in flight, backlog "
            + StatusTable.count(outcome.path("backlog").asLong())
            + ")");
    String note = LinkGetCommand.text(outcome.path("note"));
    if (note != null) {
      out.println("  " + note);
    }
  }

  /** How long the daemon may take to answer a call that waits {@code wait}. */
  static Duration answerWithin(Duration wait) {
    return wait.plus(DaemonClient.TIMEOUT);
  }
}
