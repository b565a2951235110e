package io.georep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageRouter;
import org.apache.pulsar.client.api.MessageRoutingMode;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TopicMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/georep-bench outage}: the admin requests a running daemon makes on the source cluster
 * while its target is down. One link replicates one topic of many partitions under a steady load;
 * after a baseline with the target up, the target broker is frozen (SIGSTOP: its sockets stay open
 * and answer nothing) for the outage, then let go. The source broker's request log counts every
 * admin (HTTP) request it served, minute by minute and by kind; the daemon's status API gives the
 * partitions' restarts and when replication caught up again.
 */
@Command(
    name = "outage",
    mixinStandardHelpOptions = true,
    description = {
      "Counts the admin requests georep makes on the source cluster per minute while the target"
          + " is down (frozen), with one link over one topic of many partitions.",
      "Prints a markdown summary and writes it to outage.md in --output."
    })
final class OutageScenario implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the replicated topic (default 200).")
  int partitions = 200;

  @Option(
      names = "--outage-minutes",
      paramLabel = "M",
      description = "How long the target stays down (default 10).")
  int outageMinutes = 10;

  @Option(
      names = "--baseline-minutes",
      paramLabel = "M",
      description = "Minutes counted with the target up before the outage (default 1).")
  int baselineMinutes = 1;

  @Option(
      names = "--rate",
      paramLabel = "MSG/S",
      description =
          "Messages per second written to the source throughout (default 1 per partition).")
  Double rate;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where the summary and logs go (default bench/target/results/outage-<time>).")
  Path output;

  private final PrintStream out = System.out;

  /** Requests by kind in one counted stretch of time. */
  record Window(String phase, int minute, Map<String, Long> source, Map<String, Long> target) {}

  @Override
  public Integer call() throws Exception {
    if (!Proc.available()) {
      throw new IllegalStateException("the benchmark reads /proc and runs on Linux only");
    }
    Path root =
        Path.of(System.getProperty(GeorepBench.ROOT_PROPERTY, ".")).toAbsolutePath().normalize();
    Path dir =
        output != null
            ? output
            : root.resolve("bench/target/results")
                .resolve(
                    "outage-"
                        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(Instant.now()));
    Files.createDirectories(dir);
    Replication.Launch launch =
        new Replication.Launch(
            GeorepBench.daemonClasspath(root),
            System.getProperty("java.class.path"),
            GeorepBench.daemonJavaOptions(root),
            false);
    double perSecond = rate != null ? rate : partitions;
    out.printf(
        Locale.ROOT,
        "outage: %d partitions, %.0f msg/s, %d min baseline, %d min outage; logs in %s%n",
        partitions,
        perSecond,
        baselineMinutes,
        outageMinutes,
        dir);
    try (BenchClusters clusters = BenchClusters.start()) {
      TrialSpace space =
          new TrialSpace("outage", BenchClusters.TENANT + "/outage", partitions, dir);
      clusters.createSpace(space.namespace(), List.of(space.catchUpTopic()), partitions);
      List<Window> windows = new ArrayList<>();
      String recovery;
      int restarts;
      try (Replication.GeorepDaemon daemon =
              (Replication.GeorepDaemon)
                  Replication.start(Contender.GEOREP, space, clusters, launch);
          SpreadLoad load = new SpreadLoad(clusters.sourceClient(), space.catchUpTopic())) {
        awaitRunning(daemon, Duration.ofMinutes(5));
        load.startPaced(perSecond);
        TrialRunner.sleep(Duration.ofSeconds(30));
        BrokerRequestLog source = new BrokerRequestLog(clusters.source().logFile());
        BrokerRequestLog target = new BrokerRequestLog(clusters.target().logFile());
        for (int m = 1; m <= baselineMinutes; m++) {
          TrialRunner.sleep(MINUTE);
          windows.add(print(new Window("target up", m, source.next(), target.next())));
        }
        int restartsBefore = restarts(daemon.statusJson());
        out.println("outage: freezing the target broker");
        clusters.target().freeze();
        try {
          for (int m = 1; m <= outageMinutes; m++) {
            TrialRunner.sleep(MINUTE);
            windows.add(print(new Window("target down", m, source.next(), Map.of())));
          }
        } finally {
          clusters.target().unfreeze();
        }
        restarts = restarts(daemon.statusJson()) - restartsBefore;
        out.println("outage: target broker let go");
        long since = System.nanoTime();
        long due = load.acknowledged();
        Duration caughtUp = awaitForwarded(daemon, due, Duration.ofMinutes(10));
        // The first minute after the target came back (or until caught up, if longer).
        long left = MINUTE.toNanos() - (System.nanoTime() - since);
        if (left > 0) {
          TrialRunner.sleep(Duration.ofNanos(left));
        }
        windows.add(print(new Window("recovery", 1, source.next(), target.next())));
        recovery =
            caughtUp == null
                ? "not caught up within 10 minutes"
                : String.format(
                    Locale.ROOT,
                    "caught up %.0f s after the target came back",
                    caughtUp.toMillis() / 1e3);
        load.stop();
      } finally {
        clusters.deleteSpace(space.namespace()).join();
      }
      String summary = summary(windows, perSecond, restarts, recovery);
      out.print(summary);
      Files.writeString(dir.resolve("outage.md"), summary);
    }
    return 0;
  }

  /**
   * Writes 100-byte messages at a steady rate, to each partition in turn (Pulsar's round-robin
   * router switches partitions by the clock, which at a low rate leaves most partitions idle):
   * every partition has sends in flight when the target goes down.
   */
  private static final class SpreadLoad implements AutoCloseable {
    private final Producer<byte[]> producer;
    private final java.util.concurrent.atomic.AtomicLong acknowledged =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;
    private Thread thread;

    SpreadLoad(PulsarClient client, String topic) throws PulsarClientException {
      java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
      producer =
          client
              .newProducer(Schema.BYTES)
              .topic(topic)
              .messageRoutingMode(MessageRoutingMode.CustomPartition)
              .messageRouter(
                  new MessageRouter() {
                    @Override
                    public int choosePartition(Message<?> msg, TopicMetadata metadata) {
                      return (int) (next.getAndIncrement() % metadata.numPartitions());
                    }
                  })
              .blockIfQueueFull(true)
              .sendTimeout(0, TimeUnit.SECONDS)
              .create();
    }

    void startPaced(double perSecond) {
      running = true;
      thread =
          new Thread(
              () -> {
                long start = System.nanoTime();
                long sent = 0;
                byte[] payload = new byte[100];
                while (running) {
                  long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                  for (; sent < due && running; sent++) {
                    producer.sendAsync(payload).thenRun(acknowledged::incrementAndGet);
                  }
                  LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
              },
              "georep-bench-outage-load");
      thread.setDaemon(true);
      thread.start();
    }

    long acknowledged() {
      return acknowledged.get();
    }

    void stop() throws InterruptedException {
      running = false;
      if (thread != null) {
        thread.join(30_000);
      }
    }

    @Override
    public void close() throws Exception {
      stop();
      producer.close();
    }
  }

  private Window print(Window w) {
    out.printf(
        Locale.ROOT,
        "  %-11s minute %2d: source %5d admin requests %s%n",
        w.phase(),
        w.minute(),
        BrokerRequestLog.total(w.source()),
        w.source());
    return w;
  }

  private String summary(List<Window> windows, double perSecond, int restarts, String recovery) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "%nAdmin requests on the source: %d partitions, %.0f msg/s, target frozen for %d"
                + " min%n%n",
            partitions,
            perSecond,
            outageMinutes));
    md.append("| phase | minutes | requests/min (mean) | max in a minute | by kind (per min) |\n");
    md.append("|---|---:|---:|---:|---|\n");
    for (String phase : List.of("target up", "target down", "recovery")) {
      List<Window> of = windows.stream().filter(w -> w.phase().equals(phase)).toList();
      if (of.isEmpty()) {
        continue;
      }
      Map<String, Long> kinds = new TreeMap<>();
      long max = 0;
      long total = 0;
      for (Window w : of) {
        w.source().forEach((k, v) -> kinds.merge(k, v, Long::sum));
        long t = BrokerRequestLog.total(w.source());
        max = Math.max(max, t);
        total += t;
      }
      StringBuilder byKind = new StringBuilder();
      kinds.forEach(
          (k, v) ->
              byKind
                  .append(byKind.length() == 0 ? "" : ", ")
                  .append(k)
                  .append(' ')
                  .append(String.format(Locale.ROOT, "%.1f", v / (double) of.size())));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %d | %s |%n",
              phase,
              of.size(),
              total / (double) of.size(),
              max,
              byKind));
    }
    md.append(
        String.format(
            Locale.ROOT, "%nPartition restarts during the outage: %d; %s.%n", restarts, recovery));
    return md.toString();
  }

  private void awaitRunning(Replication.GeorepDaemon daemon, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!daemon.alive()) {
        throw new IllegalStateException("the daemon died: " + daemon.lastError());
      }
      if (running(daemon.statusJson()) >= partitions) {
        out.printf("outage: all %d partitions running%n", partitions);
        return;
      }
      TrialRunner.sleep(Duration.ofSeconds(1));
    }
    throw new IllegalStateException(
        "not all " + partitions + " partitions were running after " + timeout);
  }

  /** How long until the daemon forwarded {@code total} messages; null if not within timeout. */
  private static Duration awaitForwarded(
      Replication.GeorepDaemon daemon, long total, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (MemoryScale.forwarded(daemon.statusJson()) >= total) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      TrialRunner.sleep(Duration.ofSeconds(1));
    }
    return null;
  }

  /** Partitions in state RUNNING in a status document. */
  static int running(String statusJson) {
    return topics(statusJson, t -> "RUNNING".equals(t.path("state").asText()) ? 1 : 0);
  }

  /** Restarts summed over the partitions of a status document. */
  static int restarts(String statusJson) {
    return topics(statusJson, t -> t.path("restarts").asInt());
  }

  private static int topics(String statusJson, java.util.function.ToIntFunction<JsonNode> f) {
    if (statusJson.isEmpty()) {
      return 0;
    }
    try {
      int sum = 0;
      for (JsonNode link : JSON.readTree(statusJson).path("links")) {
        for (JsonNode topic : link.path("topics")) {
          sum += f.applyAsInt(topic);
        }
      }
      return sum;
    } catch (IOException e) {
      return 0;
    }
  }
}
