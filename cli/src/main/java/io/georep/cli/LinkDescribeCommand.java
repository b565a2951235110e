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

/** {@code georep link describe NAME}: one link and each of its source partitions. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Shows one link of a running daemon with each of its source partitions.")
final class LinkDescribeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Parameters(paramLabel = "NAME", description = "The link.")
  String name;

  @Override
  public Integer call() {
    JsonNode answer = daemon.client(spec.commandLine()).get(LinkCommand.path(name));
    output.print(spec.commandLine().getOut(), answer, out -> table(out, answer));
    return ExitCodes.OK;
  }

  private static void table(PrintWriter out, JsonNode answer) {
    LinkGetCommand.table(out, answer.path("link"));
    String lastError = LinkGetCommand.text(answer.path("link").path("lastError"));
    if (lastError != null) {
      out.println("error: " + lastError);
    }
    out.println();
    StatusTable.topics(answer.path("topics")).print(out);
  }
}
