package io.georep.replicator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Lists the link's source topics every interval and tells its {@link LinkSupervisor}; after each
 * listing it reads georep's cursor backlog of the running partitions. Topics the lister skips (v1
 * names) go to the supervisor too, which warns about each once. One round at a time: a slow admin
 * API delays the next round instead of piling requests up.
 */
public final class TopicDiscovery {

  /** The protocol. */
  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Listed(TopicLister.Listing listing, Throwable failure) implements Command {}

  private record BacklogsRead(TopicLister.Backlogs backlogs) implements Command {}

  public static Behavior<Command> create(
      TopicLister lister,
      String subscription,
      Duration interval,
      ActorRef<LinkSupervisor.Command> supervisor) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSelf().tell(Tick.INSTANCE);
                  return new TopicDiscovery(ctx, lister, subscription, interval, supervisor)
                      .idle(timers);
                }));
  }

  private final ActorContext<Command> context;
  private final TopicLister lister;
  private final String subscription;
  private final Duration interval;
  private final ActorRef<LinkSupervisor.Command> supervisor;

  private TopicDiscovery(
      ActorContext<Command> context,
      TopicLister lister,
      String subscription,
      Duration interval,
      ActorRef<LinkSupervisor.Command> supervisor) {
    this.context = context;
    this.lister = lister;
    this.subscription = subscription;
    this.interval = interval;
    this.supervisor = supervisor;
  }

  private Behavior<Command> idle(
      org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Tick.INSTANCE,
            () -> {
              context.pipeToSelf(lister.listing(), Listed::new);
              return Behaviors.same();
            })
        .onMessage(
            Listed.class,
            msg -> {
              if (msg.failure() != null) {
                supervisor.tell(new LinkSupervisor.DiscoveryFailed(describe(msg.failure())));
                timers.startSingleTimer(Tick.INSTANCE, interval);
                return Behaviors.same();
              }
              TopicLister.Listing listing = msg.listing();
              supervisor.tell(
                  new LinkSupervisor.TopicsDiscovered(listing.topics(), listing.skipped()));
              context.pipeToSelf(
                  lister.backlogs(listing.topics(), subscription),
                  (backlogs, err) ->
                      new BacklogsRead(
                          err == null ? backlogs : unread(listing.topics(), describe(err))));
              return Behaviors.same();
            })
        .onMessage(
            BacklogsRead.class,
            msg -> {
              supervisor.tell(
                  new LinkSupervisor.BacklogsRead(
                      msg.backlogs().backlogs(), msg.backlogs().unread()));
              timers.startSingleTimer(Tick.INSTANCE, interval);
              return Behaviors.same();
            })
        .build();
  }

  /** Every topic unread, for the reason. */
  private static TopicLister.Backlogs unread(List<TopicLister.SourceTopic> topics, String reason) {
    Map<String, String> unread = new java.util.HashMap<>();
    topics.forEach(t -> unread.put(t.name(), reason));
    return new TopicLister.Backlogs(Map.of(), unread);
  }

  static String describe(Throwable t) {
    Throwable root =
        t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause()
            : t;
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
