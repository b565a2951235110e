package io.georep.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the daemon keeps its state store.
 *
 * @param dir the directory of the RocksDB store, relative to the working directory unless absolute
 */
public record StateConfig(Path dir) {

  public StateConfig {
    Objects.requireNonNull(dir, "dir");
  }

  /** {@code ./georep-state}. */
  public static StateConfig defaults() {
    return new StateConfig(Path.of("./georep-state"));
  }
}
