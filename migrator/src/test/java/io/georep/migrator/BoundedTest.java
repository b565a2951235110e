package io.georep.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedTest {

  @Test
  void neverMoreThanTheWindowInFlightAndResultsInInputOrder() {
    List<Integer> inputs = IntStream.range(0, 50).boxed().toList();
    List<CompletableFuture<Integer>> started = new ArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();

    CompletableFuture<List<Integer>> all =
        Bounded.map(
            inputs,
            4,
            i -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              CompletableFuture<Integer> f = new CompletableFuture<>();
              synchronized (started) {
                started.add(f);
              }
              return f.whenComplete((v, e) -> inFlight.decrementAndGet());
            });

    // Complete the started tasks, newest first, until all are done; each completion starts one.
    int completed = 0;
    while (completed < inputs.size()) {
      CompletableFuture<Integer> next;
      int value;
      synchronized (started) {
        assertThat(started.size() - completed).isLessThanOrEqualTo(4);
        next = started.get(completed);
        value = completed;
      }
      next.complete(value * 10);
      completed++;
    }
    assertThat(all.join()).isEqualTo(inputs.stream().map(i -> i * 10).toList());
    assertThat(maxInFlight.get()).isEqualTo(4);
  }

  @Test
  void thousandsOfTasksThatCompleteAtOnceDoNotGrowTheStack() {
    List<Integer> inputs = IntStream.range(0, 200_000).boxed().toList();

    List<Integer> results = Bounded.map(inputs, 16, CompletableFuture::completedFuture).join();

    assertThat(results).hasSize(200_000).startsWith(0, 1, 2).endsWith(199_999);
  }

  @Test
  void aFailureFailsTheWholeOnceEveryTaskEnded() {
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<List<Integer>> all =
        Bounded.map(
            List.of(1, 2, 3),
            2,
            i -> {
              ran.incrementAndGet();
              if (i == 2) {
                throw new IllegalStateException("two");
              }
              return CompletableFuture.completedFuture(i);
            });

    assertThatThrownBy(all::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(ran.get()).isEqualTo(3);
  }
}
