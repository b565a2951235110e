package io.georep.cli;

import io.georep.config.ConfigWarnings;
import io.georep.config.GeorepConfig;
import io.georep.migrator.MetadataSyncScheduler;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
  private final SubscriptionSyncService subscriptions;
  private final MetadataSyncScheduler metadataSync;
  private final StatusServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean stopping;

  private DaemonRunner(
      StateStore store,
      PrometheusMeterRegistry registry,
      JvmGcMetrics gcMetrics,
      ReplicationDaemon daemon,
      SubscriptionSyncService subscriptions,
      MetadataSyncScheduler metadataSync,
      StatusServer server) {
    this.store = store;
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.daemon = daemon;
    this.subscriptions = subscriptions;
    this.metadataSync = metadataSync;
    this.server = server;
  }

  /**
   * Starts every link of {@code config} and serves HTTP on {@code httpListen}.
   *
   * @throws OperationFailedException if the state directory is locked or unusable, replication
   *     cannot start, or the HTTP address cannot be bound
   */
  public static DaemonRunner start(GeorepConfig config, HostPort httpListen) {
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
      MetadataSyncScheduler sync = metadataSync;
      SubscriptionSyncService translated = subscriptions;
      StatusServer server =
          StatusServer.start(
              httpListen,
              config.http(),
              new StatusServer.Sources(
                  () -> translated.addTo(sync.withStatuses(replication.status())),
                  daemon::ready,
                  registry,
                  daemon));
      log.info(
          "georep daemon started: {}, {}", Plural.of(config.links().size(), "link"), server.uri());
      return new DaemonRunner(
          store, registry, gcMetrics, daemon, subscriptions, metadataSync, server);
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
          config, store.checkpoints(), store.positionMap(), store.linkFences(), registry);
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
    return subscriptions.addTo(metadataSync.withStatuses(daemon.status()));
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
      closeQuietly("subscription sync", subscriptions);
      closeQuietly("metadata sync", metadataSync);
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
