package io.georep.replicator;

import com.typesafe.config.ConfigFactory;
import io.georep.config.ClusterConfig;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.state.CheckpointStore;
import io.georep.state.LinkFences;
import io.georep.state.PositionMap;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.shade.io.netty.util.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication engine as the daemon runs it: one actor system, one Pulsar client and admin
 * client per cluster that a link uses, one {@link LinkSupervisor} per link.
 */
public final class ReplicationDaemon implements LinkControl, AutoCloseable {
  /** How long a control call waits for its link (a fence waits for the partitions to drain). */
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(ReplicationDaemon.class);

  private final Instant startedAt = Instant.now();
  private final ActorSystem<ReplicationGuardian.Command> system;
  private final List<LinkStatusBoard> boards;
  private volatile List<String> undrained = List.of();
  private final Map<String, PulsarClient> clients;
  private final Map<String, PulsarAdmin> admins;
  private final Timer clientTimer;
  private final Map<String, ActorRef<LinkSupervisor.Command>> supervisors;
  private volatile boolean closed;

  private ReplicationDaemon(
      ActorSystem<ReplicationGuardian.Command> system,
      List<LinkStatusBoard> boards,
      Map<String, PulsarClient> clients,
      Map<String, PulsarAdmin> admins,
      Timer clientTimer,
      Map<String, ActorRef<LinkSupervisor.Command>> supervisors) {
    this.supervisors = supervisors;
    this.system = system;
    this.boards = boards;
    this.clients = clients;
    this.admins = admins;
    this.clientTimer = clientTimer;
  }

  /** Starts every link of the config. */
  public static ReplicationDaemon start(
      GeorepConfig config,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      LinkFences fences,
      MeterRegistry registry) {
    Map<String, PulsarClient> clients = new LinkedHashMap<>();
    Map<String, PulsarAdmin> admins = new LinkedHashMap<>();
    List<ReplicationGuardian.LinkStart> starts = new ArrayList<>();
    List<LinkStatusBoard> boards = new ArrayList<>();
    // One budget for the source consumers of all links, in both forwarding modes: what their
    // receive queues hold shares the process's direct memory.
    ReceiveQueueBudget receiveQueues = new ReceiveQueueBudget(config.limits().receiveQueueBytes());
    Timer clientTimer = PulsarClients.sharedTimer(); // one for the clients of every cluster
    try {
      for (LinkConfig link : config.links()) {
        ClusterConfig source = config.clusters().get(link.source());
        ClusterConfig target = config.clusters().get(link.target());
        var runtime =
            new LinkSupervisor.Runtime(
                link,
                clients.computeIfAbsent(
                    source.name(),
                    n ->
                        PulsarClients.client(
                            source, clientTimer, PulsarClients.memoryLimitFor(config, n))),
                admins.computeIfAbsent(source.name(), n -> PulsarClients.admin(source)),
                clients.computeIfAbsent(
                    target.name(),
                    n ->
                        PulsarClients.client(
                            target, clientTimer, PulsarClients.memoryLimitFor(config, n))),
                admins.computeIfAbsent(target.name(), n -> PulsarClients.admin(target)),
                checkpoints,
                positionMap,
                registry,
                receiveQueues,
                config.state().syncInterval(),
                fences);
        LinkStatusBoard board = new LinkStatusBoard(link);
        boards.add(board);
        starts.add(new ReplicationGuardian.LinkStart(runtime, board));
      }
    } catch (RuntimeException e) {
      closeAll(clients, admins, clientTimer);
      throw e;
    }
    var system =
        ActorSystem.create(
            ReplicationGuardian.create(starts), "georep", ConfigFactory.load("georep-pekko"));
    log.info("replicating {} link(s)", starts.size());
    Map<String, ActorRef<LinkSupervisor.Command>> supervisors;
    try {
      supervisors =
          AskPattern
              .<ReplicationGuardian.Command, Map<String, ActorRef<LinkSupervisor.Command>>>ask(
                  system, ReplicationGuardian.GetLinks::new, CONTROL_TIMEOUT, system.scheduler())
              .toCompletableFuture()
              .get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      system.terminate();
      closeAll(clients, admins, clientTimer);
      throw new IllegalStateException("the links' actors did not start: " + e, e);
    }
    return new ReplicationDaemon(system, boards, clients, admins, clientTimer, supervisors);
  }

  /** True once every link has listed its source topics at least once. */
  public boolean ready() {
    return !closed && boards.stream().allMatch(LinkStatusBoard::hasDiscovered);
  }

  public DaemonStatus status() {
    return new DaemonStatus(
        startedAt, ready(), boards.stream().map(LinkStatusBoard::snapshot).toList());
  }

  /**
   * Stops reading, waits for in-flight sends (at most {@code timeout}), writes the checkpoints and
   * closes the clients. Idempotent.
   *
   * @return whether every link drained within the timeout (false on later calls)
   */
  public synchronized boolean shutdown(Duration timeout) {
    if (closed) {
      return false;
    }
    closed = true;
    try {
      CompletionStage<Done> drained =
          AskPattern.ask(system, ReplicationGuardian.Shutdown::new, timeout, system.scheduler());
      drained.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("links did not drain within {}: {}", timeout, e.toString());
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("actor system did not terminate in time: {}", e.toString());
      }
      closeAll(clients, admins, clientTimer);
    }
    undrained = undrainedPartitions();
    if (!undrained.isEmpty()) {
      log.warn(
          "{} partition(s) stopped without the target confirming every send in flight (they go"
              + " again at the next start): {}",
          undrained.size(),
          String.join(", ", undrained));
    }
    return undrained.isEmpty();
  }

  /**
   * After {@link #shutdown}: the source partitions ({@code link: topic}) that did not stop cleanly,
   * with the reason where one is known. Empty before and after a clean shutdown.
   */
  public List<String> undrained() {
    return undrained;
  }

  private List<String> undrainedPartitions() {
    List<String> names = new java.util.ArrayList<>();
    for (LinkStatusBoard board : boards) {
      DaemonStatus.LinkStatus link = board.snapshot();
      for (DaemonStatus.TopicStatus topic : link.topics()) {
        if (topic.state() != TopicState.STOPPED) {
          names.add(
              link.name()
                  + ": "
                  + topic.sourceTopic()
                  + " ("
                  + topic.state()
                  + (topic.lastError() == null ? "" : ", " + topic.lastError())
                  + ")");
        }
      }
    }
    return List.copyOf(names);
  }

  @Override
  public CompletionStage<Outcome> pause(String link) {
    return ask(link, LinkSupervisor.Pause::new, CONTROL_TIMEOUT);
  }

  @Override
  public CompletionStage<Outcome> resume(String link) {
    return ask(link, LinkSupervisor.Resume::new, CONTROL_TIMEOUT);
  }

  @Override
  public CompletionStage<DrainOutcome> drain(String link, Duration timeout) {
    return ask(link, r -> new LinkSupervisor.AwaitDrained(timeout, r), timeout.plusSeconds(10));
  }

  @Override
  public CompletionStage<Outcome> fence(String link, String reason) {
    return ask(link, r -> new LinkSupervisor.Fence(reason, r), CONTROL_TIMEOUT);
  }

  @Override
  public CompletionStage<Outcome> unfence(String link) {
    return ask(link, LinkSupervisor.Unfence::new, CONTROL_TIMEOUT);
  }

  private <T> CompletionStage<T> ask(
      String link,
      java.util.function.Function<ActorRef<StatusReply<T>>, LinkSupervisor.Command> command,
      Duration timeout) {
    ActorRef<LinkSupervisor.Command> supervisor = supervisors.get(link);
    if (supervisor == null) {
      return CompletableFuture.failedFuture(
          new UnknownLinkException(link, new java.util.TreeSet<>(supervisors.keySet())));
    }
    if (closed) {
      return CompletableFuture.failedFuture(
          new LinkStateException("the daemon is stopping: nothing more can be done to " + link));
    }
    return AskPattern.askWithStatus(supervisor, command::apply, timeout, system.scheduler());
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(30));
  }

  private static void closeAll(
      Map<String, PulsarClient> clients, Map<String, PulsarAdmin> admins, Timer clientTimer) {
    admins.values().forEach(PulsarAdmin::close);
    // close() of a client waits about 2 s for its event loop; close them all at once.
    CompletableFuture<?>[] closing =
        clients.values().stream().map(PulsarClient::closeAsync).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(closing).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing clients: {}", e.toString());
    }
    clientTimer.stop(); // the clients leave a timer they were given running
  }
}
