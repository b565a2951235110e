package io.georep.state;

/**
 * A failure of the state store. Every RocksDB failure is wrapped in one, with a message saying what
 * failed and on which state directory.
 */
public class StateStoreException extends RuntimeException {

  public StateStoreException(String message) {
    super(message);
  }

  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
