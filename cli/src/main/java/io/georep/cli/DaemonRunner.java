package io.georep.cli;

import io.georep.config.ConfigException;
import io.georep.config.ConfigLoader;
import io.georep.config.ConfigWarnings;
import io.georep.config.GeorepConfig;
import io.georep.migrator.MetadataSyncScheduler;
import io.georep.migrator.TargetTopicsApplier;
import io.georep.migrator.subscriptions.SubscriptionSyncService;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.ReplicationDaemon;
import io.georep.state.StateStore;
import io.georep.state.StateStoreException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon, in this process: the state store, the metrics registry, the replication
 * engine, the metadata sync of the links that ask for it, and the HTTP endpoint, started in that
 * order and stopped by {@link #stop()}. Separate from {@link RunCommand} so that tests can run a
 * daemon without a JVM of its own.
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
  private final ReplicationDaemon daemon;
  // Replaced by a reload; read by HTTP threads for status.
  private final AtomicReference<SubscriptionSyncService> subscriptions;
  private final AtomicReference<MetadataSyncScheduler> metadataSync;
  private final StatusServer server;
  private final Supplier<GeorepConfig> configSource;
  private GeorepConfig config; // guarded by this
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean stopping;

  private DaemonRunner(
      StateStore store,
      PrometheusMeterRegistry registry,
      JvmGcMetrics gcMetrics,
      ReplicationDaemon daemon,
      AtomicReference<SubscriptionSyncService> subscriptions,
      AtomicReference<MetadataSyncScheduler> metadataSync,
      StatusServer server,
      GeorepConfig config,
      Supplier<GeorepConfig> configSource) {
    this.store = store;
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.daemon = daemon;
    this.subscriptions = subscriptions;
    this.metadataSync = metadataSync;
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
    ReplicationDaemon daemon = null;
    SubscriptionSyncService subscriptions = null;
    MetadataSyncScheduler metadataSync = null;
    try {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      daemon = startReplication(config, store, registry);
      metadataSync = MetadataSyncScheduler.start(config, registry);
      subscriptions = SubscriptionSyncService.start(config, store.positionMap(), registry);
      ReplicationDaemon replication = daemon;
      AtomicReference<MetadataSyncScheduler> sync = new AtomicReference<>(metadataSync);
      AtomicReference<SubscriptionSyncService> translated = new AtomicReference<>(subscriptions);
      AtomicReference<DaemonRunner> self = new AtomicReference<>();
      StatusServer server =
          StatusServer.start(
              httpListen,
              config.http(),
              new StatusServer.Sources(
                  () -> translated.get().addTo(sync.get().withStatuses(replication.status())),
                  daemon::ready,
                  registry,
                  daemon,
                  configSource == null ? null : () -> self.get().reload()));
      log.info(
          "georep daemon started: {}, {}", Plural.of(config.links().size(), "link"), server.uri());
      DaemonRunner runner =
          new DaemonRunner(
              store, registry, gcMetrics, daemon, translated, sync, server, config, configSource);
      self.set(runner);
      return runner;
    } catch (RuntimeException e) {
      closeQuietly("subscription sync", subscriptions);
      closeAll(daemon, metadataSync, null, gcMetrics, registry, store);
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
      GeorepConfig config, StateStore store, PrometheusMeterRegistry registry) {
    try {
      return ReplicationDaemon.start(
          config,
          store.checkpoints(),
          store.positionMap(),
          store.linkFences(),
          registry,
          TargetTopicsApplier::new);
    } catch (RuntimeException e) {
      throw new OperationFailedException("cannot start replication: " + e.getMessage(), e);
    }
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

  /** The replication status, with each syncing link's metadata sync status. */
  public DaemonStatus status() {
    return subscriptions.get().addTo(metadataSync.get().withStatuses(daemon.status()));
  }

  /**
   * Reads the configuration again and applies it: links added start, links removed drain and stop,
   * links changed restart, the others go on untouched (see {@link ReplicationDaemon#reload});
   * metadata sync and subscription translation restart on the new configuration. A changed state
   * directory, HTTP endpoint or receive-queue budget needs a restart and is refused; an invalid
   * file changes nothing.
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
    // Before the links stop: a subscription sync reads the position map and the clients.
    closeQuietly("subscription sync", subscriptions.get());
    closeQuietly("metadata sync", metadataSync.get());
    ReplicationDaemon.Reload done;
    try {
      done = daemon.reload(next);
      config = next;
    } finally {
      metadataSync.set(MetadataSyncScheduler.start(config, registry));
      subscriptions.set(SubscriptionSyncService.start(config, store.positionMap(), registry));
    }
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
   * Stops the metadata sync, drains the links (at most {@link #DRAIN_TIMEOUT}), then stops HTTP,
   * the metrics and the store. HTTP stays up while the links drain, answering not ready.
   * Idempotent; a second caller waits for the first to finish.
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
      // Before the store closes: a sync reads the position map.
      closeQuietly("subscription sync", subscriptions.get());
      closeQuietly("metadata sync", metadataSync.get());
      drained = daemon.shutdown(DRAIN_TIMEOUT);
    } finally {
      closeAll(null, null, server, gcMetrics, registry, store);
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
      MetadataSyncScheduler metadataSync,
      StatusServer server,
      JvmGcMetrics gcMetrics,
      PrometheusMeterRegistry registry,
      StateStore store) {
    closeQuietly("metadata sync", metadataSync);
    closeQuietly("replication", daemon == null ? null : () -> daemon.shutdown(DRAIN_TIMEOUT));
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
