package io.georep.daemon;

import java.util.List;

/**
 * A failure that georep (the daemon and the {@code georep} command) reports as one {@code error: …}
 * line (plus, for some, a few detail lines) and an exit code of its own. Anything else that escapes
 * a command is a runtime failure ({@link ExitCodes#FAILURE}).
 */
public abstract class GeorepException extends RuntimeException {

  protected GeorepException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code, one of {@link ExitCodes}. */
  public abstract int exitCode();

  /** Lines printed under the error line, each indented; none by default. */
  public List<String> details() {
    return List.of();
  }
}
