package io.georep.cli;

import io.georep.replicator.LinkControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stands in for the engine's {@link LinkControl} while the replication engine does not implement
 * it: every call fails with {@link UnsupportedOperationException}, which the control API answers
 * with 501. To be removed once {@code ReplicationDaemon implements LinkControl}.
 */
final class UnavailableLinkControl implements LinkControl {

  @Override
  public CompletionStage<Outcome> pause(String link) {
    return unavailable("pausing");
  }

  @Override
  public CompletionStage<Outcome> resume(String link) {
    return unavailable("resuming");
  }

  @Override
  public CompletionStage<DrainOutcome> drain(String link, Duration timeout) {
    return unavailable("draining");
  }

  @Override
  public CompletionStage<Outcome> fence(String link, String reason) {
    return unavailable("fencing");
  }

  @Override
  public CompletionStage<Outcome> unfence(String link) {
    return unavailable("unfencing");
  }

  private static <T> CompletionStage<T> unavailable(String what) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(what + " a link is not available in this build"));
  }
}
