package io.georep.replicator;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link LinkTask} of a link: its first run after {@link LinkTask#firstDelay()}, each next
 * one when the last run says, on the daemon's task pool. Stopping the actor (the link stops or is
 * fenced) interrupts a run in progress; the task itself stays open for a later runner.
 */
final class LinkTaskRunner {
  private static final Logger log = LoggerFactory.getLogger(LinkTaskRunner.class);

  sealed interface Command {}

  private enum Run implements Command {
    INSTANCE
  }

  /** A run ended: {@code next} empty for no further run; {@code failure} when it threw. */
  private record Ran(Optional<Duration> next, Throwable failure) implements Command {}

  private LinkTaskRunner() {}

  static Behavior<Command> create(String link, LinkTask task, ExecutorService pool) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Run.INSTANCE, task.firstDelay());
                  return new Running(link, task, pool, ctx.getSelf(), timers).behavior();
                }));
  }

  private static final class Running {
    private final String link;
    private final LinkTask task;
    private final ExecutorService pool;
    private final ActorRef<Command> self;
    private final TimerScheduler<Command> timers;
    private Future<?> run; // the run in progress, null between runs

    Running(
        String link,
        LinkTask task,
        ExecutorService pool,
        ActorRef<Command> self,
        TimerScheduler<Command> timers) {
      this.link = link;
      this.task = task;
      this.pool = pool;
      this.self = self;
      this.timers = timers;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Run.class, msg -> start())
          .onMessage(Ran.class, this::onRan)
          .onSignal(PostStop.class, signal -> onStop())
          .build();
    }

    private Behavior<Command> start() {
      if (run != null) {
        return Behaviors.same(); // runs never overlap
      }
      try {
        run =
            pool.submit(
                () -> {
                  try {
                    self.tell(new Ran(task.runOnce(), null));
                  } catch (Throwable e) { // an Error too: the next run must still come
                    self.tell(new Ran(Optional.empty(), e));
                  }
                });
      } catch (RejectedExecutionException e) {
        return Behaviors.stopped(); // the pool shuts down with the daemon
      }
      return Behaviors.same();
    }

    private Behavior<Command> onRan(Ran ran) {
      run = null;
      if (ran.failure() != null) {
        log.warn(
            "link {}: {} failed (replication goes on; next run in {})",
            link,
            task.name(),
            task.interval(),
            ran.failure());
        timers.startSingleTimer(Run.INSTANCE, task.interval());
      } else {
        ran.next().ifPresent(delay -> timers.startSingleTimer(Run.INSTANCE, delay));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onStop() {
      if (run != null) {
        run.cancel(true); // the run stops waiting for its admin calls
      }
      return Behaviors.same();
    }
  }
}
