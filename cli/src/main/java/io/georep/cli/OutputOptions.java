package io.georep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.Json;
import java.io.PrintWriter;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * {@code -o, --output table|json|yaml}, shared by the commands that print what a daemon answers.
 */
final class OutputOptions {

  enum Output {
    TABLE,
    JSON,
    YAML
  }

  @picocli.CommandLine.Option(
      names = {"-o", "--output"},
      paramLabel = "table|json|yaml",
      defaultValue = "table",
      description = "A table for people (the default), or the API's answer as JSON or YAML.")
  Output output = Output.TABLE;

  /** Prints {@code answer} as JSON or YAML, or hands {@code out} to {@code table}. */
  void print(PrintWriter out, JsonNode answer, Consumer<PrintWriter> table) {
    switch (output) {
      case JSON -> out.println(answer.toPrettyString());
      case YAML -> out.print(yaml(answer));
      case TABLE -> table.accept(out);
    }
    out.flush();
  }

  /** Block-style YAML, written by the snakeyaml-engine that reads the configuration. */
  static String yaml(JsonNode answer) {
    Object plain = Json.MAPPER.convertValue(answer, Object.class);
    return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
        .dumpToString(plain);
  }
}
