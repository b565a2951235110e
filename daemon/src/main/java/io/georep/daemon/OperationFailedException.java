package io.georep.daemon;

/**
 * The command could not do its work although its input was valid: a cluster or port unreachable,
 * the state store locked. Exit code 3.
 */
public final class OperationFailedException extends GeorepException {

  public OperationFailedException(String message) {
    super(message, null);
  }

  public OperationFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return ExitCodes.FAILURE;
  }
}
