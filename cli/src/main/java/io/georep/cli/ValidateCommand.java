package io.georep.cli;

import io.georep.config.ConfigProblem;
import io.georep.config.ConfigWarnings;
import io.georep.config.GeorepConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.InvalidConfigException;
import io.georep.daemon.Plural;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code georep validate}: checks a configuration file and lists every problem in it. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a configuration file and lists every problem in it, with the path of each bad field.",
      "Warns (exit code still 0) where a token or OAuth2 credential would travel in plaintext.",
      "Environment variables and file: references are resolved; secrets are never printed."
    })
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      GeorepConfig loaded = config.load();
      List<ConfigProblem> warnings = ConfigWarnings.of(loaded);
      out.println(
          config.file
              + ": OK ("
              + Plural.of(loaded.clusters().size(), "cluster")
              + ", "
              + Plural.of(loaded.links().size(), "link")
              + ")"
              + (warnings.isEmpty() ? "" : ", " + Plural.of(warnings.size(), "warning")));
      warnings.forEach(warning -> out.println("  warning: " + warning));
      return ExitCodes.OK;
    } catch (InvalidConfigException e) {
      out.println(e.getMessage());
      e.problems().forEach(problem -> out.println("  - " + problem));
      return e.exitCode();
    } finally {
      out.flush();
    }
  }
}
