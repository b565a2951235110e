package io.georep.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file.
 *
 * @param path where in the file, such as {@code links[0].scope.include[1]}; "" for the whole file
 * @param line the 1-based line, 0 when unknown
 * @param message what is wrong and what would be valid; never contains a secret
 */
public record ConfigProblem(String path, int line, String message) {

  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** For example {@code links[0].target (line 12): unknown cluster 'wst' (known: east, west)}. */
  @Override
  public String toString() {
    String where =
        line > 0 ? (path.isEmpty() ? "line " + line : path + " (line " + line + ")") : path;
    return where.isEmpty() ? message : where + ": " + message;
  }
}
