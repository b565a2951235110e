package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code georep status}: asks a running daemon what it replicates and prints it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows the links and topics of a running georep daemon, from its status API.")
final class StatusCommand implements Callable<Integer> {
  static final String STATUS_PATH = "/api/v1/status";

  @Spec CommandSpec spec;

  @Mixin DaemonEndpointOptions daemon;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    JsonNode status = daemon.client(spec.commandLine()).get(STATUS_PATH);
    output.print(
        spec.commandLine().getOut(),
        status,
        out -> StatusTable.lines(status).forEach(out::println));
    return ExitCodes.OK;
  }
}
