package io.georep.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A cluster could not be started, stopped or reached; the message says which and why. */
public final class PulsarClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final int LOG_TAIL_LINES = 60;
  private static final int LOG_TAIL_MAX_BYTES = 256 * 1024;

  public PulsarClusterException(String message) {
    super(message);
  }

  public PulsarClusterException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure of cluster {@code name} whose message ends with the last lines of its broker log, so
   * that a failed test shows why the broker did not come up.
   */
  static PulsarClusterException withLogTail(
      String name, String reason, Path logFile, Throwable cause) {
    return new PulsarClusterException(
        "cluster "
            + name
            + ": "
            + reason
            + "\n---- last "
            + LOG_TAIL_LINES
            + " lines of "
            + logFile
            + " ----\n"
            + tail(logFile, LOG_TAIL_LINES)
            + "---- end of "
            + logFile
            + " ----",
        cause);
  }

  /** The last {@code lines} lines of {@code file}, each ending with a newline. */
  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log file)\n";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, LOG_TAIL_MAX_BYTES);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      StringBuilder out = new StringBuilder();
      all.subList(Math.max(0, all.size() - lines), all.size())
          .forEach(line -> out.append(line).append('\n'));
      return out.toString();
    } catch (IOException e) {
      return "(cannot read the log: " + e + ")\n";
    }
  }
}
