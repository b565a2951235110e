package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code georep link get [NAME]}: the daemon's links, one line each. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Lists the links of a running daemon: state, control state and figures.")
final class LinkGetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "Only this link (an unknown name is an error).")
  String name;

  @Override
  public Integer call() {
    DaemonClient client = daemon.client(spec.commandLine());
    JsonNode answer =
        name == null
            ? client.get(LinkCommand.LINKS_PATH)
            : client.get(LinkCommand.path(name)).path("link");
    JsonNode links = name == null ? answer.path("links") : answer;
    output.print(spec.commandLine().getOut(), answer, out -> table(out, links));
    return ExitCodes.OK;
  }

  /** One row per link; {@code links} is an array of link summaries or one summary. */
  static void table(PrintWriter out, JsonNode links) {
    Table table =
        new Table(
                "LINK",
                "SOURCE",
                "TARGET",
                "STATE",
                "CONTROL",
                "PARTITIONS",
                "IN-FLIGHT",
                "BACKLOG",
                "LAG")
            .rightAlign(5, 6, 7, 8);
    for (JsonNode link : links.isArray() ? links : java.util.List.of(links)) {
      table.row(
          link.path("name").asText(),
          link.path("source").asText(),
          link.path("target").asText(),
          link.path("state").asText(),
          text(link.path("controlState")),
          StatusTable.count(link.path("partitions").asLong()),
          StatusTable.count(link.path("inFlight").asLong()),
          link.path("backlog").isNumber() ? StatusTable.count(link.path("backlog").asLong()) : null,
          StatusTable.lag(link.path("maxLagMillis").asLong()));
    }
    table.print(out);
  }

  /** The text of a field, or null (printed "-") when it is missing or null. */
  static String text(JsonNode field) {
    return field.isTextual() ? field.asText() : null;
  }
}
