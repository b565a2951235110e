package io.georep.daemon;

import io.georep.replicator.LinkControl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LinkControl} over the links of {@link SampleStatus}, without an engine: pause, resume,
 * fence and unfence change a state it keeps (resume of a fenced link is refused, as the engine
 * would); drain answers {@link #drained}. Every call is recorded in {@link #calls}.
 */
public final class FakeLinkControl implements LinkControl {
  public static final List<String> LINKS = List.of("east-to-west");

  public final Map<String, ControlState> states = new ConcurrentHashMap<>();
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public volatile boolean drained = true;

  /** When set, the next calls return it instead (e.g. a future that never completes). */
  public volatile CompletableFuture<?> override;

  public FakeLinkControl() {
    LINKS.forEach(link -> states.put(link, ControlState.ACTIVE));
  }

  @Override
  public CompletionStage<Outcome> pause(String link) {
    calls.add("pause " + link);
    return set(link, ControlState.PAUSED, ControlState.FENCED, "unfence it first");
  }

  @Override
  public CompletionStage<Outcome> resume(String link) {
    calls.add("resume " + link);
    return set(link, ControlState.ACTIVE, ControlState.FENCED, "unfence it first");
  }

  @Override
  public CompletionStage<DrainOutcome> drain(String link, Duration timeout) {
    calls.add("drain " + link + " " + timeout);
    CompletableFuture<DrainOutcome> forced = forced();
    if (forced != null) {
      return forced;
    }
    known(link);
    return CompletableFuture.completedFuture(
        drained
            ? new DrainOutcome(link, true, Duration.ofMillis(1200), 2, 0, 0, 0)
            : new DrainOutcome(link, false, timeout, 2, 17, 250, 1500));
  }

  @Override
  public CompletionStage<Outcome> fence(String link, String reason) {
    calls.add("fence " + link + " " + reason);
    return set(link, ControlState.FENCED, null, null);
  }

  @Override
  public CompletionStage<Outcome> unfence(String link) {
    calls.add("unfence " + link);
    return set(link, ControlState.ACTIVE, null, null);
  }

  private CompletionStage<Outcome> set(
      String link, ControlState next, ControlState forbidden, String whatFirst) {
    CompletableFuture<Outcome> forced = forced();
    if (forced != null) {
      return forced;
    }
    known(link);
    if (forbidden != null && states.get(link) == forbidden) {
      return CompletableFuture.failedFuture(
          new LinkStateException("link " + link + " is " + forbidden + "; " + whatFirst));
    }
    states.put(link, next);
    return CompletableFuture.completedFuture(new Outcome(link, next, 2, 17, 250, null));
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> forced() {
    return (CompletableFuture<T>) override;
  }

  private void known(String link) {
    if (!states.containsKey(link)) {
      throw new UnknownLinkException(link, LINKS); // thrown, not failed: the API takes both
    }
  }
}
