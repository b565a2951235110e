package io.georep.daemon;

import io.georep.config.ConfigException;
import io.georep.config.ConfigLoader;
import io.georep.config.ConfigWarnings;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.migrator.MetadataSyncTask;
import io.georep.migrator.TargetTopicsApplier;
import io.georep.migrator.subscriptions.SubscriptionSyncTask;
import io.georep.replicator.ClusterConnections;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkTask;
import io.georep.replicator.ReplicationDaemon;
import io.georep.replicator.TargetTopics;
import io.georep.state.PositionMap;
import io.georep.state.StateStore;
import io.georep.state.StateStoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon, in this process, assembled in one place: the state store, the metrics
 * registry, one client and one admin client per cluster ({@link ClusterConnections}), the links
 * (each a {@link io.georep.replicator.LinkSupervisor} whose children are its discovery, its
 * partition replicators and its tasks: metadata sync and subscription translation where the link
 * asks for them), and the HTTP endpoint, started in that order and stopped by {@link #stop()}.
 * Separate from {@link RunCommand} so that tests can run a daemon without a JVM of its own.
 *
 * <p>Invariants: a failed {@link #start} leaves nothing open (the state directory is unlocked
 * again); {@link #stop()} is idempotent and, once it returns, the store is closed and {@link
 * #awaitStop()} returns.
 */
public final class DaemonRunner implements AutoCloseable {
  /** How long {@link #stop()} lets in-flight messages finish. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(DaemonRunner.class);

  private final StateStore store;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final ClusterConnections connections;
  private final ReplicationDaemon daemon;
  private final StatusServer server;
  private final Supplier<GeorepConfig> configSource;
  private GeorepConfig config; // guarded by this
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean stopping;

  private DaemonRunner(
      StateStore store,
      PrometheusMeterRegistry registry,
      JvmGcMetrics gcMetrics,
      ClusterConnections connections,
      ReplicationDaemon daemon,
      StatusServer server,
      GeorepConfig config,
      Supplier<GeorepConfig> configSource) {
    this.store = store;
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.connections = connections;
    this.daemon = daemon;
    this.server = server;
    this.config = config;
    this.configSource = configSource;
  }

  /**
   * Starts every link of {@code config} and serves HTTP on {@code httpListen}.
   *
   * @throws OperationFailedException if the state directory is locked or unusable, replication
   *     cannot start, or the HTTP address cannot be bound
   */
  public static DaemonRunner start(GeorepConfig config, HostPort httpListen) {
    return start(config, httpListen, (Supplier<GeorepConfig>) null);
  }

  /**
   * {@link #start(GeorepConfig, HostPort)}, reading {@code configFile} again on {@link #reload()}
   * (SIGHUP, {@code POST /api/v1/reload}).
   */
  public static DaemonRunner start(GeorepConfig config, HostPort httpListen, Path configFile) {
    return start(
        config,
        httpListen,
        () -> {
          try {
            return ConfigLoader.load(configFile);
          } catch (ConfigException e) {
            throw new InvalidConfigException(configFile.toString(), e.problems(), e);
          }
        });
  }

  /**
   * {@link #start(GeorepConfig, HostPort)}, reading the configuration again from {@code
   * configSource} on {@link #reload()}; null: no reload.
   */
  static DaemonRunner start(
      GeorepConfig config, HostPort httpListen, Supplier<GeorepConfig> configSource) {
    // The same warnings as georep validate's, first: a daemon's log is where they get read.
    ConfigWarnings.of(config).forEach(warning -> log.warn("configuration: {}", warning));
    StateStore store = openStore(config);
    PrometheusMeterRegistry registry = null;
    JvmGcMetrics gcMetrics = null;
    ClusterConnections connections = null;
    ReplicationDaemon daemon = null;
    try {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      connections = new ClusterConnections(config);
      daemon = startReplication(config, store, registry, connections);
      ReplicationDaemon replication = daemon;
      AtomicReference<DaemonRunner> self = new AtomicReference<>();
      StatusServer server =
          StatusServer.start(
              httpListen,
              config.http(),
              new StatusServer.Sources(
                  replication::status,
                  daemon::ready,
                  registry,
                  daemon,
                  configSource == null ? null : () -> self.get().reload()));
      log.info(
          "georep daemon started: {}, {}", Plural.of(config.links().size(), "link"), server.uri());
      DaemonRunner runner =
          new DaemonRunner(
              store, registry, gcMetrics, connections, daemon, server, config, configSource);
      self.set(runner);
      return runner;
    } catch (RuntimeException e) {
      closeAll(daemon, null, gcMetrics, registry, connections, store);
      throw e;
    }
  }

  private static StateStore openStore(GeorepConfig config) {
    try {
      return StateStore.open(config.state().dir());
    } catch (StateStoreException e) {
      // the message names the directory and, when locked, what to do about it
      throw new OperationFailedException(e.getMessage(), e);
    }
  }

  private static ReplicationDaemon startReplication(
      GeorepConfig config,
      StateStore store,
      PrometheusMeterRegistry registry,
      ClusterConnections connections) {
    try {
      return ReplicationDaemon.start(
          config,
          store.checkpoints(),
          store.positionMap(),
          store.linkFences(),
          registry,
          connections,
          linkAssembly(store.positionMap(), registry));
    } catch (RuntimeException e) {
      throw new OperationFailedException("cannot start replication: " + e.getMessage(), e);
    }
  }

  /**
   * What each link gets from the migrator: its tasks, metadata sync ({@code metadataSync: once |
   * continuous}) and subscription translation ({@code subscriptionSync}), on the daemon's clients;
   * and the applier that creates its target topics and switches deduplication on.
   */
  private static ReplicationDaemon.LinkAssembly linkAssembly(
      PositionMap positionMap, MeterRegistry registry) {
    return new ReplicationDaemon.LinkAssembly() {
      @Override
      public List<LinkTask> tasksFor(
          LinkConfig link, GeorepConfig config, ClusterConnections clients) {
        List<LinkTask> tasks = new java.util.ArrayList<>();
        MetadataSyncTask.of(link, config, clients, registry).ifPresent(tasks::add);
        SubscriptionSyncTask.of(config, link, positionMap, clients, registry).ifPresent(tasks::add);
        return tasks;
      }

      @Override
      public TargetTopics targetTopicsOn(PulsarAdmin targetAdmin) {
        return new TargetTopicsApplier(targetAdmin);
      }
    };
  }

  /** True once every link has listed its source topics; false again once stopping. */
  public boolean ready() {
    return daemon.ready();
  }

  /** The metrics as {@code /metrics} serves them (Prometheus text format). */
  public String metrics() {
    return registry.scrape();
  }

  /** Pausing, resuming, draining and fencing this daemon's links. */
  public io.georep.replicator.LinkControl links() {
    return daemon;
  }

  /** Every link's status, asked of its actors: replication, metadata sync, translation. */
  public DaemonStatus status() {
    return daemon.status();
  }

  /**
   * Reads the configuration again and applies it: links added start, links removed drain and stop,
   * links changed restart, the others go on untouched (see {@link ReplicationDaemon#reload}), and
   * with them their metadata sync and subscription translation. A changed state directory, HTTP
   * endpoint or receive-queue budget needs a restart and is refused; an invalid file changes
   * nothing.
   *
   * @throws InvalidConfigException if the file has problems
   * @throws io.georep.replicator.LinkControl.LinkStateException if the change needs a restart
   * @throws UnsupportedOperationException if the daemon was started without a file
   */
  public synchronized ReplicationDaemon.Reload reload() {
    if (configSource == null) {
      throw new UnsupportedOperationException("started without a configuration file to read again");
    }
    if (stopping) {
      throw new io.georep.replicator.LinkControl.LinkStateException(
          "the daemon is stopping: nothing to reload");
    }
    GeorepConfig next = configSource.get();
    List<String> needRestart = new java.util.ArrayList<>();
    if (!next.state().equals(config.state())) {
      needRestart.add("state");
    }
    if (!next.http().equals(config.http())) {
      needRestart.add("http");
    }
    if (!next.limits().equals(config.limits())) {
      needRestart.add("limits");
    }
    if (!needRestart.isEmpty()) {
      throw new io.georep.replicator.LinkControl.LinkStateException(
          "the new configuration changes "
              + String.join(", ", needRestart)
              + ", which a running daemon reads only at start: nothing was changed; restart the"
              + " daemon to apply it");
    }
    ConfigWarnings.of(next).forEach(warning -> log.warn("configuration: {}", warning));
    ReplicationDaemon.Reload done = daemon.reload(next);
    config = next;
    return done;
  }

  /** The registry that {@code /metrics} serves. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code http://host:port} of the HTTP endpoint, with the actual port. */
  public URI httpUri() {
    return server.uri();
  }

  /** Blocks until {@link #stop()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Drains the links and stops their tasks (at most {@link #DRAIN_TIMEOUT}), then stops HTTP, the
   * metrics and the store. HTTP stays up while the links drain, answering not ready. Idempotent; a
   * second caller waits for the first to finish.
   *
   * @return whether every link drained in time (false on later calls)
   */
  public synchronized boolean stop() {
    if (stopping) {
      return false;
    }
    stopping = true;
    log.info("georep daemon stopping");
    boolean drained = false;
    try {
      // The links' tasks stop with them, before the store closes (they read the position map).
      drained = daemon.shutdown(DRAIN_TIMEOUT);
    } finally {
      closeAll(null, server, gcMetrics, registry, connections, store);
      stopped.countDown();
    }
    log.info("georep daemon stopped");
    return drained;
  }

  /** After {@link #stop()}: the partitions that did not drain, each with its state and reason. */
  public List<String> undrained() {
    return daemon.undrained();
  }

  @Override
  public void close() {
    stop();
  }

  private static void closeAll(
      ReplicationDaemon daemon,
      StatusServer server,
      JvmGcMetrics gcMetrics,
      PrometheusMeterRegistry registry,
      ClusterConnections connections,
      StateStore store) {
    closeQuietly("replication", daemon == null ? null : () -> daemon.shutdown(DRAIN_TIMEOUT));
    closeQuietly("cluster connections", connections);
    closeQuietly("HTTP endpoint", server);
    closeQuietly("GC metrics", gcMetrics);
    closeQuietly("metrics registry", registry == null ? null : registry::close);
    closeQuietly("state store", store);
  }

  /** Closes one part; a failure is logged so that the others still close. */
  private static void closeQuietly(String what, AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      log.warn("closing the {} failed", what, e);
    }
  }
}
