package io.georep.cli;

import io.georep.daemon.ExitCodes;
import io.georep.daemon.GeorepException;

/**
 * The daemon refused a call for want of a valid bearer token (HTTP 401 or 403): the message names
 * {@code --token-file}. Exit code 5.
 */
public final class DaemonRefusedException extends GeorepException {

  DaemonRefusedException(String message) {
    super(message, null);
  }

  @Override
  public int exitCode() {
    return ExitCodes.REFUSED;
  }
}
