package io.georep.cli;

import io.georep.daemon.ExitCodes;
import io.georep.daemon.GeorepException;
import java.net.URI;

/** No georep daemon answers at the URL a command was given. Exit code 4. */
public final class DaemonUnreachableException extends GeorepException {

  DaemonUnreachableException(URI url, Throwable cause) {
    super("no georep daemon answers at " + url + " (is it running? check --url)", cause);
  }

  @Override
  public int exitCode() {
    return ExitCodes.DAEMON_UNREACHABLE;
  }
}
