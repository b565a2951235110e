package io.georep.migrator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one asynchronous task per input with at most {@code parallelism} in flight, so that reading
 * or applying thousands of topics neither floods a broker nor waits for each call in turn.
 *
 * <p>Tasks that complete at once (already done, refused before any I/O) start the next one in a
 * loop, not by recursion: thousands of them do not grow the stack.
 */
final class Bounded {
  private Bounded() {}

  /** The results in input order; fails with the first failure once every started task ended. */
  static <I, O> CompletableFuture<List<O>> map(
      List<I> inputs, int parallelism, Function<I, CompletableFuture<O>> task) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    List<CompletableFuture<O>> results = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      results.add(new CompletableFuture<>());
    }
    new Launcher<>(inputs, task, results).start(Math.min(parallelism, inputs.size()));
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
  }

  /**
   * Starts one task per request. Requests made while another thread (or an outer frame of this one)
   * is starting tasks are counted and served by that loop: the trampoline.
   */
  private static final class Launcher<I, O> {
    private final List<I> inputs;
    private final Function<I, CompletableFuture<O>> task;
    private final List<CompletableFuture<O>> results;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    Launcher(
        List<I> inputs,
        Function<I, CompletableFuture<O>> task,
        List<CompletableFuture<O>> results) {
      this.inputs = inputs;
      this.task = task;
      this.results = results;
    }

    void start(int count) {
      for (int i = 0; i < count; i++) {
        request();
      }
    }

    private void request() {
      if (requests.getAndIncrement() != 0) {
        return; // the loop below, running now, serves it
      }
      do {
        startOne();
      } while (requests.decrementAndGet() > 0);
    }

    private void startOne() {
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
            request();
          });
    }
  }
}
