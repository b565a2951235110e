package io.georep.replicator;

import com.typesafe.config.ConfigFactory;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication engine as the daemon runs it: one actor system, one {@link LinkSupervisor} per
 * link, on the clients of the daemon's {@link ClusterConnections} (one client and one admin client
 * per cluster, shared with the links' tasks). What each link runs beside its replicators (metadata
 * sync, subscription translation) comes from the {@link LinkAssembly} the daemon gives it.
 *
 * <p>Status is asked of the link actors ({@link LinkSupervisor.GetStatus}); nothing here holds a
 * link's state.
 */
public final class ReplicationDaemon implements LinkControl, AutoCloseable {
  /** How long a control call waits for its link (a fence waits for the partitions to drain). */
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

  /** How long a status call waits for a link's answer. */
  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(ReplicationDaemon.class);

  /** What the daemon gives each link beside its replicators; the migrator provides both. */
  public interface LinkAssembly {
    /**
     * The tasks of {@code link} (its metadata sync, its subscription translation), made when the
     * link starts, on the clients of {@code connections}; closed when it stops.
     */
    List<LinkTask> tasksFor(LinkConfig link, GeorepConfig config, ClusterConnections connections);

    /**
     * What makes the target topics of the links writing to a cluster, on that cluster's admin
     * client (the migrator's applier: the replicator changes no metadata itself).
     */
    TargetTopics targetTopicsOn(PulsarAdmin targetAdmin);
  }

  private final Instant startedAt = Instant.now();
  private final ActorSystem<ReplicationGuardian.Command> system;
  private final Parts parts;
  // ActorRefs are immutable handles: HTTP threads read this map to address their asks.
  private final Map<String, ActorRef<LinkSupervisor.Command>> supervisors =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<DaemonStatus.LinkStatus> finalStatuses; // after shutdown
  private volatile List<String> undrained = List.of();
  private GeorepConfig config; // guarded by this
  private volatile boolean closed;

  /** What the links are built from and share. */
  private static final class Parts {
    final CheckpointStore checkpoints;
    final PositionMap positionMap;
    final LinkFences fences;
    final MeterRegistry registry;
    final ReceiveQueueBudget receiveQueues;
    final ClusterConnections connections;
    final LinkAssembly assembly;
    // Per target cluster, on its admin client; forgotten with the cluster's clients.
    final Map<String, TargetTopics> targetTopics = new HashMap<>();
    // The links' tasks block on admin calls: threads of their own, made as runs need them (runs of
    // one task never overlap), gone when idle.
    final ExecutorService taskPool =
        Executors.newCachedThreadPool(
            new ThreadFactory() {
              private final AtomicInteger count = new AtomicInteger();

              @Override
              public Thread newThread(Runnable r) {
                Thread thread = new Thread(r, "georep-link-task-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              }
            });

    Parts(
        CheckpointStore checkpoints,
        PositionMap positionMap,
        LinkFences fences,
        MeterRegistry registry,
        ReceiveQueueBudget receiveQueues,
        ClusterConnections connections,
        LinkAssembly assembly) {
      this.checkpoints = checkpoints;
      this.positionMap = positionMap;
      this.fences = fences;
      this.registry = registry;
      this.receiveQueues = receiveQueues;
      this.connections = connections;
      this.assembly = assembly;
    }

    LinkSupervisor.Runtime runtimeFor(LinkConfig link, GeorepConfig config) {
      return new LinkSupervisor.Runtime(
          link,
          connections.client(link.source()),
          connections.admin(link.source()),
          connections.client(link.target()),
          targetTopics.computeIfAbsent(
              link.target(), n -> assembly.targetTopicsOn(connections.admin(n))),
          checkpoints,
          positionMap,
          registry,
          receiveQueues,
          config.state().syncInterval(),
          fences,
          List.copyOf(assembly.tasksFor(link, config, connections)),
          taskPool);
    }

    /** Closes the clients of {@code cluster}; the next link on it makes new ones. */
    void closeClientsOf(String cluster) {
      targetTopics.remove(cluster);
      connections.close(cluster);
    }
  }

  private ReplicationDaemon(
      ActorSystem<ReplicationGuardian.Command> system, Parts parts, GeorepConfig config) {
    this.system = system;
    this.parts = parts;
    this.config = config;
  }

  /**
   * Starts every link of the config on the clients of {@code connections}, which the caller owns
   * and closes after {@link #shutdown}.
   */
  public static ReplicationDaemon start(
      GeorepConfig config,
      CheckpointStore checkpoints,
      PositionMap positionMap,
      LinkFences fences,
      MeterRegistry registry,
      ClusterConnections connections,
      LinkAssembly assembly) {
    // One budget for the source consumers of all links, in both forwarding modes: what their
    // receive queues hold shares the process's direct memory.
    Parts parts =
        new Parts(
            checkpoints,
            positionMap,
            fences,
            registry,
            new ReceiveQueueBudget(config.limits().receiveQueueBytes()),
            connections,
            assembly);
    connections.use(config);
    List<LinkSupervisor.Runtime> starts = new ArrayList<>();
    try {
      for (LinkConfig link : config.links()) {
        starts.add(parts.runtimeFor(link, config));
      }
    } catch (RuntimeException e) {
      starts.forEach(r -> r.tasks().forEach(LinkTask::close));
      parts.taskPool.shutdownNow();
      throw e;
    }
    var system =
        ActorSystem.create(
            ReplicationGuardian.create(starts), "georep", ConfigFactory.load("georep-pekko"));
    log.info("replicating {} link(s)", starts.size());
    ReplicationDaemon daemon = new ReplicationDaemon(system, parts, config);
    try {
      daemon.supervisors.putAll(
          AskPattern
              .<ReplicationGuardian.Command, Map<String, ActorRef<LinkSupervisor.Command>>>ask(
                  system, ReplicationGuardian.GetLinks::new, CONTROL_TIMEOUT, system.scheduler())
              .toCompletableFuture()
              .get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      system.terminate();
      parts.taskPool.shutdownNow();
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
    java.util.Set<String> changedClusters = parts.connections.changedBy(next);
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
    parts.connections.use(next);
    // Clusters no running link uses any more.
    java.util.Set<String> used = new java.util.HashSet<>();
    unchanged.forEach(
        name -> {
          used.add(after.get(name).source());
          used.add(after.get(name).target());
        });
    parts.connections.connected().stream()
        .filter(c -> !used.contains(c))
        .forEach(parts::closeClientsOf);
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
    }
  }

  private void startLink(LinkConfig link, GeorepConfig next) {
    LinkSupervisor.Runtime start = parts.runtimeFor(link, next);
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
    } catch (Exception e) {
      throw new IllegalStateException("link " + link.name() + " did not start: " + e, e);
    }
  }

  /** True once every link has listed its source topics at least once; false once stopping. */
  public boolean ready() {
    if (closed) {
      return false;
    }
    return reports().stream().allMatch(r -> r != null && r.discovered());
  }

  /**
   * Every link's status, asked of its supervisor (at most {@link #STATUS_TIMEOUT} per link: a link
   * that does not answer shows as DEGRADED, saying so). After {@link #shutdown}: the links' final
   * statuses.
   */
  public DaemonStatus status() {
    List<DaemonStatus.LinkStatus> last = finalStatuses;
    if (last != null) {
      return new DaemonStatus(startedAt, false, last);
    }
    List<String> names = new ArrayList<>(supervisors.keySet());
    List<LinkSupervisor.LinkReport> reports = reports(names);
    List<DaemonStatus.LinkStatus> links = new ArrayList<>();
    boolean ready = !closed;
    for (int i = 0; i < names.size(); i++) {
      LinkSupervisor.LinkReport report = reports.get(i);
      if (report == null) {
        ready = false;
        links.add(unanswered(names.get(i)));
      } else {
        ready &= report.discovered();
        links.add(report.status());
      }
    }
    links.sort(java.util.Comparator.comparingInt(l -> order(l.name())));
    return new DaemonStatus(startedAt, ready, links);
  }

  /** In the configuration's order. */
  private synchronized int order(String link) {
    List<LinkConfig> links = config.links();
    for (int i = 0; i < links.size(); i++) {
      if (links.get(i).name().equals(link)) {
        return i;
      }
    }
    return links.size();
  }

  private List<LinkSupervisor.LinkReport> reports() {
    return reports(new ArrayList<>(supervisors.keySet()));
  }

  /** One report per name, in order; null where the link did not answer in time. */
  private List<LinkSupervisor.LinkReport> reports(List<String> names) {
    List<CompletableFuture<LinkSupervisor.LinkReport>> asks = new ArrayList<>();
    for (String name : names) {
      ActorRef<LinkSupervisor.Command> supervisor = supervisors.get(name);
      asks.add(
          supervisor == null
              ? CompletableFuture.completedFuture(null)
              : AskPattern.<LinkSupervisor.Command, LinkSupervisor.LinkReport>ask(
                      supervisor, LinkSupervisor.GetStatus::new, STATUS_TIMEOUT, system.scheduler())
                  .toCompletableFuture()
                  .exceptionally(e -> null));
    }
    return asks.stream().map(CompletableFuture::join).toList();
  }

  private DaemonStatus.LinkStatus unanswered(String name) {
    LinkConfig link;
    synchronized (this) {
      link = config.links().stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }
    return new DaemonStatus.LinkStatus(
        name,
        link == null ? null : link.source(),
        link == null ? null : link.target(),
        LinkState.DEGRADED,
        "the link's actors did not answer within " + STATUS_TIMEOUT.toSeconds() + " s",
        0,
        0,
        List.of(),
        List.of(),
        null);
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
      CompletionStage<List<DaemonStatus.LinkStatus>> drained =
          AskPattern.ask(system, ReplicationGuardian.Shutdown::new, timeout, system.scheduler());
      finalStatuses =
          drained.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("links did not drain within {}: {}", timeout, e.toString());
      // Still stopping, they answer: their partitions that have not stopped are the undrained.
      finalStatuses = status().links();
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("actor system did not terminate in time: {}", e.toString());
      }
      parts.taskPool.shutdownNow();
      if (finalStatuses == null) {
        finalStatuses = List.of(); // the links did not answer: what they did is unknown
      }
    }
    undrained = undrainedPartitions(finalStatuses);
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

  private static List<String> undrainedPartitions(List<DaemonStatus.LinkStatus> links) {
    List<String> names = new java.util.ArrayList<>();
    for (DaemonStatus.LinkStatus link : links) {
      if (link.state() != LinkState.STOPPED && link.topics().isEmpty()) {
        names.add(link.name() + ": the link did not stop (" + link.lastError() + ")");
      }
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
}
