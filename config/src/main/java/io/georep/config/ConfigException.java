package io.georep.config;

import java.util.List;

/** A configuration that cannot be used, with every problem found in it. */
public final class ConfigException extends Exception {
  private final String sourceName;
  private final List<ConfigProblem> problems;

  /**
   * @param sourceName the file (or other source) the configuration came from
   * @param problems at least one problem
   */
  public ConfigException(String sourceName, List<ConfigProblem> problems) {
    super(message(sourceName, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.sourceName = sourceName;
    this.problems = List.copyOf(problems);
  }

  /** The file (or other source) the configuration came from. */
  public String sourceName() {
    return sourceName;
  }

  /** Every problem, in the order of the file. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String message(String sourceName, List<ConfigProblem> problems) {
    StringBuilder message = new StringBuilder("invalid configuration ").append(sourceName);
    message.append(problems.size() == 1 ? " (1 problem):" : " (" + problems.size() + " problems):");
    problems.forEach(problem -> message.append("\n  ").append(problem));
    return message.toString();
  }
}
