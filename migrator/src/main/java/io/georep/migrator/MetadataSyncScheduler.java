package io.georep.migrator;

import io.georep.config.ClusterConfig;
import io.georep.config.GeorepConfig;
import io.georep.config.LinkConfig;
import io.georep.config.MetadataSyncMode;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.PulsarClients;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's metadata sync: for each link with {@code metadataSync: once} or {@code continuous},
 * a {@link LinkMetadataSync} run on threads of its own, never on the actor system's (a sync blocks
 * while it reads thousands of topics).
 *
 * <p>{@code once}: one run at start; a run that fails (a cluster unreachable, a refused role) is
 * tried again after {@code metadataSyncInterval} until one completes. {@code continuous}: a run at
 * start, then {@code metadataSyncInterval} after each run ends, whatever its outcome. Runs of one
 * link never overlap. Nothing here stops or slows replication; replication does not wait for it.
 *
 * <p>Admin clients are its own, one per cluster that a syncing link uses, closed by {@link
 * #close()}.
 */
public final class MetadataSyncScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetadataSyncScheduler.class);
  private static final int MAX_THREADS = 2;

  private final ScheduledExecutorService executor;
  private final Map<String, LinkMetadataSync> links;
  private final Map<String, Duration> intervals;
  private final Map<String, PulsarAdmin> admins;
  private final Clock clock;
  private volatile boolean closed;

  private MetadataSyncScheduler(
      ScheduledExecutorService executor,
      Map<String, LinkMetadataSync> links,
      Map<String, Duration> intervals,
      Map<String, PulsarAdmin> admins,
      Clock clock) {
    this.executor = executor;
    this.links = links;
    this.intervals = intervals;
    this.admins = admins;
    this.clock = clock;
  }

  /** Starts the metadata sync of every link that asks for it; none runs for the others. */
  public static MetadataSyncScheduler start(GeorepConfig config, MeterRegistry registry) {
    Map<String, PulsarAdmin> admins = new LinkedHashMap<>();
    Map<String, LinkMetadataSync> links = new LinkedHashMap<>();
    Map<String, Duration> intervals = new LinkedHashMap<>();
    Clock clock = Clock.systemUTC();
    try {
      for (LinkConfig link : config.links()) {
        MetadataSyncMode mode = link.options().metadataSync();
        if (mode == MetadataSyncMode.OFF) {
          continue;
        }
        ClusterConfig source = config.clusters().get(link.source());
        ClusterConfig target = config.clusters().get(link.target());
        MetadataSync sync =
            new MetadataSync(
                link,
                source,
                target,
                admins.computeIfAbsent(source.name(), n -> PulsarClients.admin(source)),
                admins.computeIfAbsent(target.name(), n -> PulsarClients.admin(target)));
        links.put(
            link.name(),
            new LinkMetadataSync(
                link.name(), mode, sync, new MetadataSyncMetrics(registry, link.name()), clock));
        intervals.put(link.name(), link.options().metadataSyncInterval());
      }
    } catch (RuntimeException e) {
      links.values().forEach(LinkMetadataSync::close);
      admins.values().forEach(PulsarAdmin::close);
      throw e;
    }
    MetadataSyncScheduler scheduler = start(links, intervals, admins, clock);
    if (!links.isEmpty()) {
      log.info(
          "metadata sync: {}",
          String.join(
              ", ",
              links.values().stream()
                  .map(
                      l ->
                          l.link()
                              + " "
                              + l.status().mode()
                              + (l.mode() == MetadataSyncMode.CONTINUOUS
                                  ? " every " + seconds(intervals.get(l.link()))
                                  : ""))
                  .toList()));
    }
    return scheduler;
  }

  /** Runs these link syncs at these intervals; closing closes the admin clients. */
  static MetadataSyncScheduler start(
      Map<String, LinkMetadataSync> links,
      Map<String, Duration> intervals,
      Map<String, PulsarAdmin> admins,
      Clock clock) {
    ScheduledExecutorService executor =
        Executors.newScheduledThreadPool(
            Math.max(1, Math.min(MAX_THREADS, links.size())), new SyncThreads());
    MetadataSyncScheduler scheduler =
        new MetadataSyncScheduler(executor, links, intervals, admins, clock);
    links.values().forEach(l -> scheduler.schedule(l, Duration.ZERO));
    return scheduler;
  }

  /** The links whose metadata this daemon syncs. */
  public List<String> links() {
    return List.copyOf(links.keySet());
  }

  /** The status with each syncing link's metadata sync status filled in. */
  public DaemonStatus withStatuses(DaemonStatus status) {
    List<DaemonStatus.LinkStatus> merged = new ArrayList<>(status.links().size());
    for (DaemonStatus.LinkStatus link : status.links()) {
      LinkMetadataSync sync = links.get(link.name());
      merged.add(sync == null ? link : link.withMetadataSync(sync.status()));
    }
    return new DaemonStatus(status.startedAt(), status.ready(), merged);
  }

  private void schedule(LinkMetadataSync link, Duration delay) {
    if (closed) {
      return;
    }
    link.nextRunAt(clock.instant().plus(delay));
    try {
      executor.schedule(() -> runAndReschedule(link), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void runAndReschedule(LinkMetadataSync link) {
    if (closed) {
      return;
    }
    boolean completed = false;
    try {
      completed = link.run();
    } finally {
      // even after an Error escaped the run: the next run must still come
      if (link.mode() == MetadataSyncMode.CONTINUOUS || !completed) {
        schedule(link, intervals.get(link.link()));
      } else {
        link.nextRunAt(null);
      }
    }
  }

  /** Stops the runs (one in progress fails as its admin clients close) and removes the metrics. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.shutdownNow(); // interrupts a run, which stops waiting for its admin calls
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("metadata sync did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admins.values().forEach(PulsarAdmin::close);
    links.values().forEach(LinkMetadataSync::close);
  }

  /** {@code 1.5s}, {@code 60s}. */
  private static String seconds(Duration interval) {
    return interval.toMillis() % 1000 == 0
        ? interval.toSeconds() + "s"
        : interval.toMillis() / 1000.0 + "s";
  }

  /** Daemon threads named {@code georep-metadata-sync-N}. */
  private static final class SyncThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "georep-metadata-sync-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
