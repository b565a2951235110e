package io.georep.state;

import java.nio.file.Path;

/**
 * The state directory is already open, by another georep process or by another {@link StateStore}
 * in this one. RocksDB holds a lock on {@code <dir>/LOCK} while a database is open.
 */
public final class StateStoreLockedException extends StateStoreException {

  private final Path directory;

  StateStoreLockedException(Path directory, String message, Throwable cause) {
    super(message, cause);
    this.directory = directory;
  }

  /** The state directory that is in use. */
  public Path directory() {
    return directory;
  }
}
