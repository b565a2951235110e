package io.georep.migrator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one asynchronous task per input with at most {@code parallelism} in flight, so that reading
 * thousands of topics neither floods a broker nor waits for each call in turn.
 */
final class Bounded {
  private Bounded() {}

  /** The results in input order; fails with the first failure once every started task ended. */
  static <I, O> CompletableFuture<List<O>> map(
      List<I> inputs, int parallelism, Function<I, CompletableFuture<O>> task) {
    List<CompletableFuture<O>> results = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      results.add(new CompletableFuture<>());
    }
    AtomicInteger next = new AtomicInteger();
    Runnable[] startNext = new Runnable[1];
    startNext[0] =
        () -> {
          int index = next.getAndIncrement();
          if (index >= inputs.size()) {
            return;
          }
          CompletableFuture<O> started;
          try {
            started = task.apply(inputs.get(index));
          } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
          }
          started.whenComplete(
              (value, error) -> {
                if (error == null) {
                  results.get(index).complete(value);
                } else {
                  results.get(index).completeExceptionally(error);
                }
                startNext[0].run();
              });
        };
    for (int i = 0; i < Math.min(parallelism, inputs.size()); i++) {
      startNext[0].run();
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
  }
}
