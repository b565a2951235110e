package io.georep.cli;

import io.georep.config.ConfigException;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

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
}
