package io.georep.it;

import io.georep.testkit.PulsarCluster;
import java.nio.file.Path;

/** Daemon configs for tests, as operators write them: clusters without auth, links. */
final class GeorepYaml {
  private GeorepYaml() {}

  /** {@code clusters:} (each by its name), {@code state:}, then {@code links:} and the links. */
  static String config(Path stateDir, String links, PulsarCluster... clusters) {
    StringBuilder yaml = new StringBuilder("clusters:\n");
    for (PulsarCluster c : clusters) {
      yaml.append("  ")
          .append(c.name())
          .append(": { serviceUrl: ")
          .append(c.serviceUrl())
          .append(", adminUrl: ")
          .append(c.adminUrl())
          .append(" }\n");
    }
    return yaml.append("state: { dir: ")
        .append(stateDir)
        .append(" }\nlinks:\n")
        .append(links)
        .toString();
  }

  /** One link, discovering every second; {@code extra} lines are indented like its keys. */
  static String link(String name, String source, String target, String scope, String... extra) {
    StringBuilder yaml =
        new StringBuilder()
            .append("  - name: ")
            .append(name)
            .append("\n    source: ")
            .append(source)
            .append("\n    target: ")
            .append(target)
            .append("\n    scope: ")
            .append(scope)
            .append("\n    discoveryInterval: 1s\n");
    for (String line : extra) {
      yaml.append("    ").append(line).append('\n');
    }
    return yaml.toString();
  }
}
