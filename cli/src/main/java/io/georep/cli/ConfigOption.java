package io.georep.cli;

import io.georep.config.ConfigException;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.daemon.InvalidConfigException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code -c, --config FILE}, shared by the commands that read a configuration file. */
final class ConfigOption {

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The YAML configuration file.")
  Path file;

  /**
   * Loads the file.
   *
   * @throws InvalidConfigException if it is missing, unreadable or has problems
   */
  GeorepConfig load() {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), e.problems(), e);
    }
  }

  /**
   * The link of that name in the loaded config.
   *
   * @throws ParameterException naming the links there are, if there is none of that name
   */
  LinkConfig link(GeorepConfig config, String name, CommandLine commandLine) {
    return config
        .link(name)
        .orElseThrow(
            () ->
                new ParameterException(
                    commandLine,
                    "no link named '"
                        + name
                        + "' in "
                        + file
                        + "; its links: "
                        + config.links().stream()
                            .map(LinkConfig::name)
                            .collect(Collectors.joining(", "))));
  }
}
