package io.georep.replicator;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The root actor: one {@link LinkSupervisor} per link; stops them all on shutdown. */
final class ReplicationGuardian {

  sealed interface Command {}

  /** Drain every link, then reply. */
  record Shutdown(ActorRef<Done> replyTo) implements Command {}

  private record LinkStopped(String link) implements Command {}

  /** The supervisors, by link name. */
  record GetLinks(ActorRef<Map<String, ActorRef<LinkSupervisor.Command>>> replyTo)
      implements Command {}

  record LinkStart(LinkSupervisor.Runtime runtime, LinkStatusBoard board) {}

  private ReplicationGuardian() {}

  static Behavior<Command> create(List<LinkStart> links) {
    return Behaviors.setup(
        ctx -> {
          List<ActorRef<LinkSupervisor.Command>> supervisors =
              links.stream()
                  .map(
                      l ->
                          ctx.spawn(
                              LinkSupervisor.create(l.runtime(), l.board()),
                              "link-" + l.runtime().link().name()))
                  .toList();
          Map<String, ActorRef<LinkSupervisor.Command>> byName = new LinkedHashMap<>();
          for (int i = 0; i < supervisors.size(); i++) {
            byName.put(links.get(i).runtime().link().name(), supervisors.get(i));
          }
          return Behaviors.receive(Command.class)
              .onMessage(
                  GetLinks.class,
                  msg -> {
                    msg.replyTo().tell(Map.copyOf(byName));
                    return Behaviors.same();
                  })
              .onMessage(
                  Shutdown.class,
                  msg -> {
                    Set<String> pending = new HashSet<>();
                    // One adapter for all links: the reply names the link.
                    ActorRef<LinkSupervisor.Stopped> replies =
                        ctx.messageAdapter(
                            LinkSupervisor.Stopped.class,
                            stopped -> new LinkStopped(stopped.link()));
                    for (int i = 0; i < supervisors.size(); i++) {
                      pending.add(links.get(i).runtime().link().name());
                      supervisors.get(i).tell(new LinkSupervisor.Stop(replies));
                    }
                    return stopping(pending, msg.replyTo());
                  })
              .build();
        });
  }

  private static Behavior<Command> stopping(Set<String> pending, ActorRef<Done> replyTo) {
    if (pending.isEmpty()) {
      replyTo.tell(Done.getInstance());
      return Behaviors.same();
    }
    return Behaviors.receive(Command.class)
        .onMessage(
            LinkStopped.class,
            msg -> {
              pending.remove(msg.link());
              return stopping(pending, replyTo);
            })
        .onMessage(
            Shutdown.class,
            msg -> {
              replyTo.tell(Done.getInstance());
              return Behaviors.same();
            })
        .build();
  }
}
