package io.georep.migrator;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Waiting for admin calls from the thread that runs a sync, so that stopping can interrupt it. */
final class Futures {
  private Futures() {}

  /**
   * The future's value, like {@link CompletableFuture#join()}, but an interrupt (the daemon
   * stopping) ends the wait.
   *
   * @throws CompletionException with the future's failure
   * @throws CancellationException when interrupted; the thread's interrupt flag stays set
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted: georep is stopping");
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    }
  }
}
