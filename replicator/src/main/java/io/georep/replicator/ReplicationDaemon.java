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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
  private final Parts parts;
  // Replaced by a reload; read by status calls from HTTP threads.
  private final List<LinkStatusBoard> boards = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, ActorRef<LinkSupervisor.Command>> supervisors =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<String> undrained = List.of();
  private GeorepConfig config; // guarded by this
  private volatile boolean closed;

  /**
   * What the links are built from: the clients per cluster (created on first use, with the memory
   * limit the config then asked for), and what every link shares.
   */
  private static final class Parts {
    final CheckpointStore checkpoints;
    final PositionMap positionMap;
    final LinkFences fences;
    final MeterRegistry registry;
    final ReceiveQueueBudget receiveQueues;
    final Timer clientTimer = PulsarClients.sharedTimer(); // one for every cluster's client
    final Map<String, PulsarClient> clients = new LinkedHashMap<>();
    final Map<String, Long> clientLimits = new HashMap<>();
    final Map<String, PulsarAdmin> admins = new LinkedHashMap<>();
    final Function<PulsarAdmin, TargetTopics> targetTopicsOf;
    final Map<String, TargetTopics> targetTopics = new HashMap<>();
    final Map<String, ClusterConfig> clusters = new HashMap<>();

    Parts(
        CheckpointStore checkpoints,
        PositionMap positionMap,
        LinkFences fences,
        MeterRegistry registry,
        ReceiveQueueBudget receiveQueues,
        Function<PulsarAdmin, TargetTopics> targetTopicsOf) {
      this.checkpoints = checkpoints;
      this.positionMap = positionMap;
      this.fences = fences;
      this.registry = registry;
      this.receiveQueues = receiveQueues;
      this.targetTopicsOf = targetTopicsOf;
    }

    LinkSupervisor.Runtime runtimeFor(LinkConfig link, GeorepConfig config) {
      ClusterConfig source = config.clusters().get(link.source());
      ClusterConfig target = config.clusters().get(link.target());
      return new LinkSupervisor.Runtime(
          link,
          client(source, config),
          admin(source),
          client(target, config),
          targetTopics.computeIfAbsent(target.name(), n -> targetTopicsOf.apply(admin(target))),
          checkpoints,
          positionMap,
          registry,
          receiveQueues,
          config.state().syncInterval(),
          fences);
    }

    private PulsarClient client(ClusterConfig cluster, GeorepConfig config) {
      clusters.put(cluster.name(), cluster);
      return clients.computeIfAbsent(
          cluster.name(),
          n -> {
            long limit = PulsarClients.memoryLimitFor(config, n);
            clientLimits.put(n, limit);
            return PulsarClients.client(cluster, clientTimer, limit);
          });
    }

    private PulsarAdmin admin(ClusterConfig cluster) {
      return admins.computeIfAbsent(cluster.name(), n -> PulsarClients.admin(cluster));
    }

    /** Closes the clients of {@code cluster}; the next link on it creates new ones. */
    void closeClientsOf(String cluster) {
      targetTopics.remove(cluster);
      PulsarAdmin admin = admins.remove(cluster);
      if (admin != null) {
        admin.close();
      }
      PulsarClient client = clients.remove(cluster);
      if (client != null) {
        client.closeAsync();
      }
      clientLimits.remove(cluster);
      clusters.remove(cluster);
    }

    void closeAll() {
      ReplicationDaemon.closeAll(clients, admins, clientTimer);
    }
  }

  private ReplicationDaemon(
      ActorSystem<ReplicationGuardian.Command> system, Parts parts, GeorepConfig config) {
    this.system = system;
    this.parts = parts;
    this.config = config;
  }

  /**
   * Starts every link of the config.
   *
   * @param targetTopicsOf what makes the target topics of the links writing to a cluster, on that
   *     cluster's admin client (the migrator's {@code TargetTopicsApplier})
   */
  public static ReplicationDaemon start(
      GeorepConfig config,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      LinkFences fences,
      MeterRegistry registry,
      Function<PulsarAdmin, TargetTopics> targetTopicsOf) {
    // One budget for the source consumers of all links, in both forwarding modes: what their
    // receive queues hold shares the process's direct memory.
    Parts parts =
        new Parts(
            checkpoints,
            positionMap,
            fences,
            registry,
            new ReceiveQueueBudget(config.limits().receiveQueueBytes()),
            targetTopicsOf);
    List<ReplicationGuardian.LinkStart> starts = new ArrayList<>();
    List<LinkStatusBoard> boards = new ArrayList<>();
    try {
      for (LinkConfig link : config.links()) {
        LinkStatusBoard board = new LinkStatusBoard(link);
        boards.add(board);
        starts.add(new ReplicationGuardian.LinkStart(parts.runtimeFor(link, config), board));
      }
    } catch (RuntimeException e) {
      parts.closeAll();
      throw e;
    }
    var system =
        ActorSystem.create(
            ReplicationGuardian.create(starts), "georep", ConfigFactory.load("georep-pekko"));
    log.info("replicating {} link(s)", starts.size());
    ReplicationDaemon daemon = new ReplicationDaemon(system, parts, config);
    daemon.boards.addAll(boards);
    try {
      daemon.supervisors.putAll(
          AskPattern
              .<ReplicationGuardian.Command, Map<String, ActorRef<LinkSupervisor.Command>>>ask(
                  system, ReplicationGuardian.GetLinks::new, CONTROL_TIMEOUT, system.scheduler())
              .toCompletableFuture()
              .get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      system.terminate();
      parts.closeAll();
      throw new IllegalStateException("the links' actors did not start: " + e, e);
    }
    return daemon;
  }

  /** What a reload did, by link name. */
  public record Reload(
      List<String> added, List<String> removed, List<String> restarted, List<String> unchanged) {}

  /**
   * Applies {@code next}: links it no longer has drain and stop; links it adds start; links whose
   * settings changed (the link's own, or those of a cluster it uses, or a target cluster's memory
   * limit that must grow for added links) stop and start again; the others go on untouched. The
   * state directory and the receive-queue budget are read at start only.
   *
   * @throws LinkControl.LinkStateException while the daemon stops
   */
  public synchronized Reload reload(GeorepConfig next) {
    if (closed) {
      throw new LinkStateException("the daemon is stopping: nothing to reload");
    }
    Map<String, LinkConfig> before = new LinkedHashMap<>();
    config.links().forEach(l -> before.put(l.name(), l));
    Map<String, LinkConfig> after = new LinkedHashMap<>();
    next.links().forEach(l -> after.put(l.name(), l));
    java.util.Set<String> changedClusters = new java.util.HashSet<>();
    for (var entry : parts.clusters.entrySet()) {
      ClusterConfig now = next.clusters().get(entry.getKey());
      Long limit = parts.clientLimits.get(entry.getKey());
      if (!entry.getValue().equals(now)
          || (limit != null && PulsarClients.memoryLimitFor(next, entry.getKey()) > limit)) {
        changedClusters.add(entry.getKey());
      }
    }
    List<String> removed = new ArrayList<>();
    List<String> restarted = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (LinkConfig old : before.values()) {
      LinkConfig now = after.get(old.name());
      if (now == null) {
        removed.add(old.name());
      } else if (!now.equals(old)
          || changedClusters.contains(old.source())
          || changedClusters.contains(old.target())) {
        restarted.add(old.name());
      } else {
        unchanged.add(old.name());
      }
    }
    List<String> added = after.keySet().stream().filter(name -> !before.containsKey(name)).toList();
    for (String name : concat(removed, restarted)) {
      stopLink(name);
    }
    changedClusters.forEach(parts::closeClientsOf);
    // Clusters no running link uses any more.
    java.util.Set<String> used = new java.util.HashSet<>();
    unchanged.forEach(
        name -> {
          used.add(after.get(name).source());
          used.add(after.get(name).target());
        });
    new ArrayList<>(parts.clusters.keySet())
        .stream().filter(c -> !used.contains(c)).forEach(parts::closeClientsOf);
    for (String name : concat(restarted, added)) {
      startLink(after.get(name), next);
    }
    config = next;
    Reload reload = new Reload(added, removed, restarted, unchanged);
    log.info(
        "configuration reloaded: added {}, removed {}, restarted {}, unchanged {}",
        added,
        removed,
        restarted,
        unchanged);
    return reload;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private void stopLink(String name) {
    try {
      AskPattern.<ReplicationGuardian.Command, org.apache.pekko.Done>ask(
              system,
              r -> new ReplicationGuardian.StopLink(name, r),
              CONTROL_TIMEOUT,
              system.scheduler())
          .toCompletableFuture()
          .get(CONTROL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "link " + name + " did not stop within " + CONTROL_TIMEOUT + ": " + e, e);
    } finally {
      supervisors.remove(name);
      boards.removeIf(b -> b.name().equals(name));
    }
  }

  private void startLink(LinkConfig link, GeorepConfig next) {
    LinkStatusBoard board = new LinkStatusBoard(link);
    ReplicationGuardian.LinkStart start =
        new ReplicationGuardian.LinkStart(parts.runtimeFor(link, next), board);
    try {
      ActorRef<LinkSupervisor.Command> supervisor =
          AskPattern.<ReplicationGuardian.Command, ActorRef<LinkSupervisor.Command>>ask(
                  system,
                  r -> new ReplicationGuardian.StartLink(start, r),
                  CONTROL_TIMEOUT,
                  system.scheduler())
              .toCompletableFuture()
              .get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      supervisors.put(link.name(), supervisor);
      boards.add(board);
    } catch (Exception e) {
      throw new IllegalStateException("link " + link.name() + " did not start: " + e, e);
    }
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
      parts.closeAll();
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
