package io.georep.cli;

import io.georep.config.ConfigException;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.HostPort;
import io.georep.daemon.OperationFailedException;
import io.georep.replicator.DaemonStatus;
import io.georep.testkit.KeyedWorkload;
import io.georep.testkit.PulsarCluster;
import io.georep.testkit.PulsarClusterSpec;
import io.georep.testkit.PulsarClusters;
import io.georep.testkit.ReplicationVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * georep's main job on an embedded default: two local clusters, a live link between them, a
 * generator on the source, and a verification read back from the target.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
      "Starts two local Pulsar clusters (east, west), replicates east -> west with georep while a"
          + " generator produces keyed messages with properties, shows live progress, and ends with"
          + " a verification read back from the target.",
      "Stops after --duration, or on Ctrl-C."
    })
final class SandboxCommand implements Callable<Integer> {
  static final String CONFIG_FILE = "georep.yaml";
  static final String NAMESPACE = "sandbox/orders";
  static final List<String> TOPICS =
      List.of(
          "persistent://sandbox/orders/orders",
          "persistent://sandbox/orders/payments",
          "persistent://sandbox/orders/audit");
  static final int ORDERS_PARTITIONS = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to produce, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Messages per second produced to the source (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--size",
      defaultValue = "256",
      description = "Payload bytes per message (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--http-listen",
      defaultValue = "127.0.0.1:0",
      converter = HostPortConverter.class,
      description = "The daemon's HTTP endpoint (default: a free port on loopback).")
  HostPort httpListen;

  @Option(
      names = "--dir",
      description = "Where the clusters and the state live (default: a new temporary directory).")
  Path dir;

  private volatile boolean interrupted;
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (rate <= 0 || size <= 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rate and --size must be positive");
    }
    Path work = dir != null ? dir : Files.createTempDirectory("georep-sandbox-");
    Files.createDirectories(work);
    if (dir != null) {
      System.setProperty("georep.testkit.dir", work.resolve("clusters").toString());
    } // else the testkit's default, where the brokers' class cache is kept between runs
    PulsarClusters.holdBrokersOnExitUntil(finished);
    Thread hook = new Thread(this::onCtrlC, "georep-sandbox-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(out, work);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for us
      }
    }
  }

  private void onCtrlC() {
    interrupted = true;
    try {
      finished.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int run(PrintWriter out, Path work) throws Exception {
    out.printf("Starting two local Pulsar clusters (east, west); georep's state in %s ...%n", work);
    out.flush();
    long t0 = System.nanoTime();
    List<PulsarCluster> clusters =
        PulsarClusters.start(
            PulsarClusterSpec.builder("east").build(), PulsarClusterSpec.builder("west").build());
    try (PulsarCluster east = clusters.get(0);
        PulsarCluster west = clusters.get(1)) {
      out.printf(
          "  east  %s  %s%n  west  %s  %s%n  ready in %.1f s%n",
          east.serviceUrl(),
          east.adminUrl(),
          west.serviceUrl(),
          west.adminUrl(),
          (System.nanoTime() - t0) / 1e9);
      prepareNamespace(east, true);
      prepareNamespace(west, false);
      GeorepConfig config = config(east, west, work);
      try (PulsarClient source = east.newClient();
          PulsarClient target = west.newClient()) {
        DaemonRunner runner = DaemonRunner.start(config, httpListen);
        KeyedWorkload workload = new KeyedWorkload(source, "sandbox", TOPICS, 64, size);
        out.printf(
            "georep replicates %s east -> west; status: georep status --url %s%n",
            NAMESPACE, runner.httpUri());
        out.printf("The sandbox's config (for other commands): %s%n", work.resolve(CONFIG_FILE));
        out.printf(
            "Producing %,d msg/s of %d bytes to %d topics (orders has %d partitions) for %s%n%n",
            rate, size, TOPICS.size(), ORDERS_PARTITIONS, DurationConverter.format(duration));
        out.flush();
        try {
          Progress progress = produce(out, workload, runner);
          workload.flush();
          catchUp(out, workload, runner, progress);
        } finally {
          runner.stop();
          workload.close();
        }
        out.println();
        out.println("Verifying: reading every replicated message back from west ...");
        out.flush();
        ReplicationVerifier.Report report = ReplicationVerifier.verify(target, workload, Map.of());
        printReport(out, report, workload);
        return report.intact() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    }
  }

  private static void prepareNamespace(PulsarCluster cluster, boolean withTopics) throws Exception {
    cluster.createNamespaces(NAMESPACE);
    if (withTopics) {
      try (PulsarAdmin admin = cluster.newAdmin()) {
        admin.topics().createPartitionedTopic(TOPICS.get(0), ORDERS_PARTITIONS);
        for (String topic : TOPICS.subList(1, TOPICS.size())) {
          admin.topics().createNonPartitionedTopic(topic);
        }
      }
    }
  }

  private static GeorepConfig config(PulsarCluster east, PulsarCluster west, Path work)
      throws ConfigException {
    String yaml =
        String.join(
            "\n",
            "clusters:",
            "  east: { serviceUrl: " + east.serviceUrl() + ", adminUrl: " + east.adminUrl() + " }",
            "  west: { serviceUrl: " + west.serviceUrl() + ", adminUrl: " + west.adminUrl() + " }",
            "state: { dir: " + work.resolve("state") + " }",
            "links:",
            "  - name: east-to-west",
            "    source: east",
            "    target: west",
            "    scope: { namespaces: [" + NAMESPACE + "] }",
            "    startAt: earliest",
            "    discoveryInterval: 2s",
            "");
    // Written out so that other commands (georep sync metadata, validate) can use the clusters.
    try {
      java.nio.file.Files.writeString(work.resolve(CONFIG_FILE), yaml);
    } catch (java.io.IOException e) {
      throw new OperationFailedException("cannot write " + work.resolve(CONFIG_FILE), e);
    }
    return ConfigLoader.parse(yaml, "sandbox", Map.of());
  }

  private Progress produce(PrintWriter out, KeyedWorkload workload, DaemonRunner runner)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long nextReport = start + TimeUnit.SECONDS.toNanos(1);
    Progress progress = new Progress(start);
    while (!interrupted) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long due = (long) ((now - start) / 1e9 * rate);
      while (workload.sent() < due && !interrupted) {
        workload.sendNext();
      }
      if (now >= nextReport) {
        progress.print(out, workload, runner.status());
        nextReport += TimeUnit.SECONDS.toNanos(1);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    if (interrupted) {
      out.println("Ctrl-C: stopping the generator");
    }
    return progress;
  }

  /** Lets replication finish what was produced (at most 60 s), still showing progress. */
  private void catchUp(
      PrintWriter out, KeyedWorkload workload, DaemonRunner runner, Progress progress) {
    out.println("Generator stopped; waiting for replication to catch up ...");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      DaemonStatus status = runner.status();
      if (forwarded(status) >= workload.acknowledged()) {
        progress.print(out, workload, status);
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      progress.print(out, workload, runner.status());
    }
    out.println("Replication did not catch up within 60 s; verifying what arrived.");
  }

  static long forwarded(DaemonStatus status) {
    return status.links().stream().mapToLong(DaemonStatus.LinkStatus::messagesForwarded).sum();
  }

  /** One progress line per call: totals, rates since the last line, lag. */
  private static final class Progress {
    private final long start;
    private long lastAt;
    private long lastProduced;
    private long lastReplicated;

    Progress(long start) {
      this.start = start;
      this.lastAt = start;
    }

    void print(PrintWriter out, KeyedWorkload workload, DaemonStatus status) {
      long now = System.nanoTime();
      double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
      long produced = workload.acknowledged();
      long replicated = forwarded(status);
      long lagMillis =
          status.links().stream()
              .flatMap(l -> l.topics().stream())
              .mapToLong(DaemonStatus.TopicStatus::lagMillis)
              .max()
              .orElse(0);
      long errors =
          status.links().stream()
              .flatMap(l -> l.topics().stream())
              .filter(t -> t.lastError() != null)
              .count();
      out.printf(
          "%5.0fs  produced %,10d (%,6.0f/s)  replicated %,10d (%,6.0f/s)  lag %,6d msgs %,6d ms"
              + "  topics %d%s%n",
          (now - start) / 1e9,
          produced,
          (produced - lastProduced) / seconds,
          replicated,
          (replicated - lastReplicated) / seconds,
          Math.max(0, produced - replicated),
          lagMillis,
          status.links().stream().mapToInt(l -> l.topics().size()).sum(),
          errors > 0 ? "  (" + errors + " with errors: georep status)" : "");
      out.flush();
      lastAt = now;
      lastProduced = produced;
      lastReplicated = replicated;
    }
  }

  private static void printReport(
      PrintWriter out, ReplicationVerifier.Report report, KeyedWorkload workload) {
    Table table = new Table("CHECK", "RESULT");
    table.row("produced (acknowledged by east)", String.format("%,d", report.produced()));
    table.row("replicated (read back from west)", String.format("%,d", report.received()));
    table.row("missing", String.format("%,d", report.missing()));
    table.row("duplicated", String.format("%,d", report.duplicated()));
    table.row("order violations (per key)", String.format("%,d", report.orderViolations()));
    table.row("payload mismatches", String.format("%,d", report.corrupted()));
    table.row("send failures on east", String.format("%,d", workload.failed()));
    table.print(out);
    report.examples().forEach(e -> out.println("  " + e));
    out.println(
        report.intact()
            ? "RESULT: OK - every acknowledged message is on west, in order, intact."
            : "RESULT: FAILED - see the counts above.");
    out.flush();
  }
}
