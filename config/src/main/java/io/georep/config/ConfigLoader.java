package io.georep.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and validates a georep YAML configuration. It reports every problem it finds, each with its
 * path and line, in one {@link ConfigException}; a configuration it returns is complete and
 * consistent. {@code ${NAME}} in any value is replaced by an environment variable, and {@code
 * file:} in a secret reads the secret from a file.
 */
public final class ConfigLoader {
  static final String EMPTY = "the configuration is empty; it needs clusters and links";

  private ConfigLoader() {}

  /** Reads a configuration file, taking {@code ${NAME}} references from the process environment. */
  public static GeorepConfig load(Path file) throws ConfigException {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      String message = "cannot read " + file + ": " + LocalFiles.reason(e);
      throw new ConfigException(file.toString(), List.of(new ConfigProblem("", 0, message)));
    }
    return parse(yaml, file.toString(), System.getenv());
  }

  /**
   * Reads a configuration from text.
   *
   * @param yaml the configuration
   * @param sourceName where it came from, for messages
   * @param environment the variables {@code ${NAME}} references resolve to
   */
  public static GeorepConfig parse(String yaml, String sourceName, Map<String, String> environment)
      throws ConfigException {
    Problems problems = new Problems();
    EnvReferences references = new EnvReferences(environment);
    Optional<GeorepConfig> config =
        compose(yaml, sourceName, problems)
            .flatMap(root -> GeorepConfigReader.read(NodeReader.root(root, problems, references)));
    if (problems.count() > 0) {
      throw new ConfigException(sourceName, problems.inFileOrder());
    }
    return config.orElseThrow(() -> new IllegalStateException("no configuration and no problem"));
  }

  private static Optional<Node> compose(String yaml, String sourceName, Problems problems) {
    LoadSettings settings =
        LoadSettings.builder().setLabel(sourceName).setSchema(new CoreSchema()).build();
    try {
      Optional<Node> root = new Compose(settings).composeString(yaml);
      if (root.isEmpty()
          || (root.get() instanceof ScalarNode && Tag.NULL.equals(root.get().getTag()))) {
        problems.add("", 0, EMPTY);
        return Optional.empty();
      }
      return root;
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(mark -> mark.getLine() + 1).orElse(0);
      String context = e.getContext() == null ? "" : e.getContext() + ", ";
      problems.add("", line, "invalid YAML: " + context + e.getProblem());
    } catch (YamlEngineException e) {
      problems.add("", 0, "invalid YAML: " + e.getMessage());
    }
    return Optional.empty();
  }
}
