package io.georep.cli;

import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -l, --link LINK}, shared by the commands that work on one link of a configuration. */
final class LinkOption {

  @Option(
      names = {"-l", "--link"},
      required = true,
      paramLabel = "LINK",
      description = "The link, by its name in the configuration.")
  String name;

  /** The link in {@code loaded}; a usage error naming the links there are if there is none. */
  LinkConfig in(GeorepConfig loaded, ConfigOption config, CommandLine commandLine) {
    return config.link(loaded, name, commandLine);
  }
}
