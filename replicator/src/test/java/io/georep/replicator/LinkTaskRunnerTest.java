package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner of a link's task: when runs start, that they never overlap, and how they stop. */
class LinkTaskRunnerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  /** A task that answers each run from a script and records where and when it ran. */
  private static final class ScriptedTask implements LinkTask {
    final Deque<Supplier<Optional<Duration>>> script = new ArrayDeque<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<Long> startedNanos = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean();
    volatile boolean overlapped;
    volatile boolean closed;

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Duration firstDelay() {
      return Duration.ofMillis(10);
    }

    @Override
    public Duration interval() {
      return Duration.ofMillis(30);
    }

    @Override
    public Optional<Duration> runOnce() {
      if (!running.compareAndSet(false, true)) {
        overlapped = true;
      }
      try {
        threads.add(Thread.currentThread().getName());
        startedNanos.add(System.nanoTime());
        Supplier<Optional<Duration>> next;
        synchronized (script) {
          next = script.poll();
        }
        return next == null ? Optional.empty() : next.get();
      } finally {
        running.set(false);
      }
    }

    @Override
    public DaemonStatus.LinkStatus addTo(DaemonStatus.LinkStatus link) {
      return link;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void runsOnThePoolAgainWhenARunAsksAndStopsWhenOneAsksNoMore() {
    ScriptedTask task = new ScriptedTask();
    task.script.add(() -> Optional.of(Duration.ofMillis(20)));
    task.script.add(() -> Optional.of(Duration.ofMillis(20)));
    task.script.add(Optional::empty);

    testKit.spawn(LinkTaskRunner.create("l", task, pool));

    await().atMost(Duration.ofSeconds(10)).until(() -> task.startedNanos.size() == 3);
    // No fourth run: the third asked for none.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task.startedNanos.size() == 3);
    assertThat(task.threads).allMatch(name -> name.startsWith("pool-"));
    assertThat(gapMillis(task, 1)).isGreaterThanOrEqualTo(19);
    assertThat(gapMillis(task, 2)).isGreaterThanOrEqualTo(19);
    assertThat(task.overlapped).isFalse();
    assertThat(task.closed).as("the task stays open: the link closes it").isFalse();
  }

  @Test
  void aRunThatThrowsIsFollowedByAnotherAfterTheInterval() {
    ScriptedTask task = new ScriptedTask();
    task.script.add(
        () -> {
          throw new IllegalStateException("cluster 'west' unreachable");
        });
    task.script.add(Optional::empty);

    testKit.spawn(LinkTaskRunner.create("l", task, pool));

    await().atMost(Duration.ofSeconds(10)).until(() -> task.startedNanos.size() == 2);
    assertThat(gapMillis(task, 1)).isGreaterThanOrEqualTo(29); // interval(), 30 ms
  }

  @Test
  void stoppingTheRunnerInterruptsARunInProgress() throws Exception {
    ScriptedTask task = new ScriptedTask();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    task.script.add(
        () -> {
          started.countDown();
          try {
            new CountDownLatch(1).await(); // an admin call that never answers
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return Optional.of(Duration.ofMillis(10));
        });

    ActorRef<LinkTaskRunner.Command> runner = testKit.spawn(LinkTaskRunner.create("l", task, pool));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    testKit.stop(runner);

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    // The run's answer reaches a stopped actor: nothing more runs.
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task.startedNanos.size() == 1);
  }

  private static long gapMillis(ScriptedTask task, int run) {
    return TimeUnit.NANOSECONDS.toMillis(
        task.startedNanos.get(run) - task.startedNanos.get(run - 1));
  }
}
