package io.georep.replicator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root actor: one {@link LinkSupervisor} per link. Links start with it, and one by one when a
 * reload adds them; a link stopped alone (a reload removes or changes it) drains first; on shutdown
 * all drain.
 */
final class ReplicationGuardian {

  sealed interface Command {}

  /** Drain every link, then reply with their final statuses. */
  record Shutdown(ActorRef<List<DaemonStatus.LinkStatus>> replyTo) implements Command {}

  /** The supervisors, by link name. */
  record GetLinks(ActorRef<Map<String, ActorRef<LinkSupervisor.Command>>> replyTo)
      implements Command {}

  /** Start one more link; replies with its supervisor. */
  record StartLink(LinkSupervisor.Runtime start, ActorRef<ActorRef<LinkSupervisor.Command>> replyTo)
      implements Command {}

  /** Drain and stop one link; replies once it stopped (at once if there is none of that name). */
  record StopLink(String link, ActorRef<Done> replyTo) implements Command {}

  private record LinkStopped(String link, DaemonStatus.LinkStatus last) implements Command {}

  private final ActorContext<Command> context;
  private final Map<String, ActorRef<LinkSupervisor.Command>> links = new LinkedHashMap<>();
  private final Map<String, List<ActorRef<Done>>> stopping = new HashMap<>();
  private final ActorRef<LinkSupervisor.Stopped> stoppedAdapter;
  // The final statuses of the links stopped by a shutdown.
  private final List<DaemonStatus.LinkStatus> finals = new ArrayList<>();
  // Actor names must be unique while the previous child of a re-added link still terminates.
  private int spawned;

  private ReplicationGuardian(ActorContext<Command> context) {
    this.context = context;
    // One adapter for all links: the reply names the link.
    this.stoppedAdapter =
        context.messageAdapter(
            LinkSupervisor.Stopped.class,
            stopped -> new LinkStopped(stopped.link(), stopped.last()));
  }

  static Behavior<Command> create(List<LinkSupervisor.Runtime> starts) {
    return Behaviors.setup(
        ctx -> {
          ReplicationGuardian guardian = new ReplicationGuardian(ctx);
          starts.forEach(guardian::start);
          return guardian.running();
        });
  }

  private ActorRef<LinkSupervisor.Command> start(LinkSupervisor.Runtime start) {
    String name = start.link().name();
    ActorRef<LinkSupervisor.Command> supervisor =
        context.spawn(
            LinkSupervisor.create(start),
            "link-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + (spawned++));
    links.put(name, supervisor);
    return supervisor;
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(
            GetLinks.class,
            msg -> {
              msg.replyTo().tell(Map.copyOf(links));
              return Behaviors.same();
            })
        .onMessage(
            StartLink.class,
            msg -> {
              msg.replyTo().tell(start(msg.start()));
              return Behaviors.same();
            })
        .onMessage(
            StopLink.class,
            msg -> {
              ActorRef<LinkSupervisor.Command> supervisor = links.get(msg.link());
              if (supervisor == null) {
                msg.replyTo().tell(Done.getInstance());
                return Behaviors.same();
              }
              stopping.computeIfAbsent(msg.link(), l -> new ArrayList<>()).add(msg.replyTo());
              supervisor.tell(new LinkSupervisor.Stop(stoppedAdapter));
              return Behaviors.same();
            })
        .onMessage(
            LinkStopped.class,
            msg -> {
              onLinkStopped(msg.link());
              return Behaviors.same();
            })
        .onMessage(
            Shutdown.class,
            msg -> {
              links.values().forEach(s -> s.tell(new LinkSupervisor.Stop(stoppedAdapter)));
              return shuttingDown(msg.replyTo());
            })
        .build();
  }

  /** Forgets a link that stopped and tells those who asked it to stop. */
  private void onLinkStopped(String link) {
    links.remove(link);
    List<ActorRef<Done>> waiting = stopping.remove(link);
    if (waiting != null) {
      waiting.forEach(r -> r.tell(Done.getInstance()));
    }
  }

  private Behavior<Command> shuttingDown(ActorRef<List<DaemonStatus.LinkStatus>> replyTo) {
    if (links.isEmpty()) {
      replyTo.tell(List.copyOf(finals));
      return Behaviors.receive(Command.class)
          .onMessage(
              Shutdown.class,
              msg -> {
                msg.replyTo().tell(List.copyOf(finals));
                return Behaviors.same();
              })
          .onAnyMessage(msg -> Behaviors.same())
          .build();
    }
    return Behaviors.receive(Command.class)
        .onMessage(
            LinkStopped.class,
            msg -> {
              onLinkStopped(msg.link());
              finals.add(msg.last());
              return shuttingDown(replyTo);
            })
        .onMessage(
            Shutdown.class,
            msg -> {
              msg.replyTo().tell(List.of()); // the first shutdown has the statuses
              return Behaviors.same();
            })
        .onAnyMessage(msg -> Behaviors.same())
        .build();
  }
}
