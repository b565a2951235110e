package io.georep.replicator;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failures that come back through futures. */
public final class AsyncFailures {
  private AsyncFailures() {}

  /**
   * The failure itself, out of the {@link CompletionException} and {@link ExecutionException}
   * wrappers that futures put around it.
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
