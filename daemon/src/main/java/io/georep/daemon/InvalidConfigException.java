package io.georep.daemon;

import io.georep.config.ConfigException;
import io.georep.config.ConfigProblem;
import java.util.List;

/**
 * The configuration file is missing, unreadable or has problems: exit code 1. The message is {@code
 * <file>: N problems}, the details one line per problem.
 */
public final class InvalidConfigException extends GeorepException {
  private final List<String> problems;

  public InvalidConfigException(String file, List<ConfigProblem> problems, ConfigException cause) {
    super(file + ": " + Plural.of(problems.size(), "problem"), cause);
    this.problems = problems.stream().map(ConfigProblem::toString).toList();
  }

  /** Each problem, as {@link ConfigProblem#toString()} gives it: path, line and reason. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public int exitCode() {
    return ExitCodes.INVALID_CONFIG;
  }

  @Override
  public List<String> details() {
    return problems;
  }
}
