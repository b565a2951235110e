package io.georep.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the daemon keeps its state store, and how often it makes checkpoints survive a machine
 * crash.
 *
 * @param dir the directory of the RocksDB store, relative to the working directory unless absolute
 * @param syncInterval how often the store's log is fsynced; the source cursors follow only
 *     checkpoints fsynced, so this is also how far (in time) a cursor may lag its checkpoint, and
 *     what a power cut may cost in replays (default 1 s)
 */
public record StateConfig(Path dir, Duration syncInterval) {

  /** The default {@link #syncInterval}. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

  public StateConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(syncInterval, "syncInterval");
  }

  /** A store in {@code dir}, fsynced every {@link #DEFAULT_SYNC_INTERVAL}. */
  public StateConfig(Path dir) {
    this(dir, DEFAULT_SYNC_INTERVAL);
  }

  /** {@code ./georep-state}. */
  public static StateConfig defaults() {
    return new StateConfig(Path.of("./georep-state"));
  }
}
