package io.georep.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of the {@code georep} command; {@code --help} lists them. */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** The configuration file is missing or invalid. */
  public static final int INVALID_CONFIG = 1;

  /** The command line is wrong: unknown option, missing or malformed argument. */
  public static final int USAGE = 2;

  /** The command could not do its work: a cluster unreachable, the state store locked, … */
  public static final int FAILURE = 3;

  /** No georep daemon answers at the given URL. */
  public static final int DAEMON_UNREACHABLE = 4;

  /** The daemon refused the call: no token, or not one it accepts (HTTP 401 or 403). */
  public static final int REFUSED = 5;

  /** {@code georep link drain} timed out before the link had drained. */
  public static final int NOT_DRAINED = 6;

  private ExitCodes() {}

  /** Each code and what it means, in the form picocli's {@code exitCodeList} takes. */
  public static Map<String, String> descriptions() {
    Map<String, String> descriptions = new LinkedHashMap<>();
    descriptions.put(String.valueOf(OK), "success");
    descriptions.put(
        String.valueOf(INVALID_CONFIG), "invalid configuration (missing file or problems found)");
    descriptions.put(String.valueOf(USAGE), "usage error (bad command-line arguments)");
    descriptions.put(
        String.valueOf(FAILURE),
        "runtime failure (cannot reach a cluster, state store locked, ...)");
    descriptions.put(
        String.valueOf(DAEMON_UNREACHABLE), "no georep daemon answers at --url (status, link)");
    descriptions.put(
        String.valueOf(REFUSED), "the daemon refused the call: no or wrong token (--token-file)");
    descriptions.put(
        String.valueOf(NOT_DRAINED), "link drain: the timeout passed before the link drained");
    return descriptions;
  }
}
