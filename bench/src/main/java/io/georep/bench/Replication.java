package io.georep.bench;

import io.georep.config.Forwarding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** A contender replicating one trial's namespace from the source to the target; close stops it. */
sealed interface Replication extends AutoCloseable
    permits Replication.GeorepDaemon, Replication.PipeProcess, Replication.BuiltIn {

  /** The process that does the work, when the contender has one of its own. */
  OptionalLong pid();

  /** What the contender reports about itself now; empty where it reports nothing. */
  record Gauges(OptionalDouble heapUsedBytes, OptionalDouble inFlightMessages) {
    static final Gauges NONE = new Gauges(OptionalDouble.empty(), OptionalDouble.empty());
  }

  default Gauges gauges() {
    return Gauges.NONE;
  }

  /** The contender's metrics in the Prometheus text format, where it serves them. */
  default java.util.Optional<String> metricsText() {
    return java.util.Optional.empty();
  }

  /** How many checkpoint writes the contender reported so far, where it reports them. */
  default OptionalDouble stateWrites() {
    return OptionalDouble.empty();
  }

  @Override
  void close();

  /** Where a cluster answers. */
  record Endpoints(String serviceUrl, String adminUrl) {
    static Endpoints of(io.georep.testkit.PulsarCluster cluster) {
      return new Endpoints(cluster.serviceUrl(), cluster.adminUrl());
    }

    String yaml() {
      return "{ serviceUrl: " + serviceUrl + ", adminUrl: " + adminUrl + " }";
    }
  }

  /** How to start the contenders' JVMs. */
  record Launch(
      String daemonClasspath,
      String benchClasspath,
      List<String> daemonJvmOptions,
      boolean flightRecording) {}

  static Replication start(
      Contender contender, TrialSpace space, BenchClusters clusters, Launch launch) {
    return switch (contender) {
      case GEOREP -> GeorepDaemon.start(space, clusters, launch, false, Forwarding.ENTRIES);
      case GEOREP_NO_STATE -> GeorepDaemon.start(space, clusters, launch, true, Forwarding.ENTRIES);
      case PIPE -> PipeProcess.start(space, clusters, launch);
      case BUILT_IN -> BuiltIn.start(space, clusters);
    };
  }

  /**
   * {@code georep run --config F} in a JVM of its own, started like {@code bin/georep} starts it
   * (the CLI jar and its launcher classpath, the JVM's default options plus {@code
   * GEOREP_JAVA_OPTS}), with one link from the source namespace to the same namespace on the
   * target, starting at the earliest message, forwarding entries (the default) or messages.
   */
  final class GeorepDaemon implements Replication {
    private final ChildJvm jvm;
    private final int httpPort;

    private GeorepDaemon(ChildJvm jvm, int httpPort) {
      this.jvm = jvm;
      this.httpPort = httpPort;
    }

    static GeorepDaemon start(
        TrialSpace space,
        BenchClusters clusters,
        Launch launch,
        boolean noState,
        Forwarding forwarding) {
      int port = freePort();
      Path config = space.dir().resolve("georep.yaml");
      write(
          config,
          config(
              space, Endpoints.of(clusters.source()), Endpoints.of(clusters.target()), forwarding));
      List<String> options = new ArrayList<>(launch.daemonJvmOptions());
      if (noState) {
        options.add("-Dgeorep.bench.noState=true");
      }
      if (launch.flightRecording()) {
        options.add(
            "-XX:StartFlightRecording=settings=profile,filename="
                + space.dir().resolve(space.name() + ".jfr"));
      }
      ChildJvm jvm =
          ChildJvm.start(
              options,
              // as bin/georep sets it: two malloc arenas, not eight per core (RocksDB, netty)
              java.util.Map.of("MALLOC_ARENA_MAX", "2"),
              launch.daemonClasspath(),
              "io.georep.cli.Georep",
              List.of("run", "--config", config.toString(), "--http-listen", "127.0.0.1:" + port),
              space.dir().resolve("georep.log"));
      return new GeorepDaemon(jvm, port);
    }

    /**
     * The daemon's configuration: the two clusters and one link for the trial's namespace; every
     * other option at its default, the forwarding mode written only when it is not the default.
     */
    static String config(
        TrialSpace space, Endpoints source, Endpoints target, Forwarding forwarding) {
      return String.join(
          "\n",
          "clusters:",
          "  " + BenchClusters.SOURCE + ": " + source.yaml(),
          "  " + BenchClusters.TARGET + ": " + target.yaml(),
          "state: { dir: " + space.dir().resolve("state") + " }",
          "links:",
          "  - name: bench",
          "    source: " + BenchClusters.SOURCE,
          "    target: " + BenchClusters.TARGET,
          "    scope: { namespaces: [" + space.namespace() + "] }",
          "    startAt: earliest",
          forwarding == Forwarding.ENTRIES
              ? ""
              : "    forwarding: " + forwarding.name().toLowerCase(java.util.Locale.ROOT) + "\n");
    }

    @Override
    public OptionalLong pid() {
      return OptionalLong.of(jvm.pid());
    }

    /** Heap in use (every heap pool) and messages in flight (every partition), from /metrics. */
    @Override
    public Gauges gauges() {
      return metrics()
          .map(
              text ->
                  new Gauges(
                      OptionalDouble.of(
                          PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")),
                      OptionalDouble.of(PrometheusText.sum(text, "georep_inflight_messages", ""))))
          .orElse(Gauges.NONE);
    }

    @Override
    public OptionalDouble stateWrites() {
      return metrics()
          .map(
              text ->
                  OptionalDouble.of(
                      PrometheusText.sum(text, "georep_checkpoint_write_seconds_count", "")))
          .orElse(OptionalDouble.empty());
    }

    @Override
    public java.util.Optional<String> metricsText() {
      return metrics();
    }

    private java.util.Optional<String> metrics() {
      String text = Http.get("http://127.0.0.1:" + httpPort + "/metrics");
      return text.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(text);
    }

    boolean alive() {
      return jvm.alive();
    }

    /** The last lines of the daemon's log that name an error, for a daemon that died. */
    String lastError() {
      try {
        List<String> lines = Files.readAllLines(jvm.log());
        return lines.stream()
            .filter(l -> l.contains("Error") || l.contains("ERROR") || l.contains("Exception"))
            .reduce((a, b) -> b)
            .orElse("no error in " + jvm.log());
      } catch (IOException e) {
        return "no log: " + e.getMessage();
      }
    }

    /** The status API's JSON, empty when the daemon does not answer (yet). */
    String statusJson() {
      return Http.get("http://127.0.0.1:" + httpPort + "/api/v1/status");
    }

    @Override
    public void close() {
      jvm.stop(10);
    }
  }

  /** {@link Pipe} in a JVM of its own, started with the benchmark's classpath. */
  final class PipeProcess implements Replication {
    private final ChildJvm jvm;

    private PipeProcess(ChildJvm jvm) {
      this.jvm = jvm;
    }

    static PipeProcess start(TrialSpace space, BenchClusters clusters, Launch launch) {
      List<String> args = new ArrayList<>();
      args.add(clusters.source().serviceUrl());
      args.add(clusters.target().serviceUrl());
      args.add("pipe");
      args.addAll(space.topics());
      return new PipeProcess(
          ChildJvm.start(
              List.of(),
              launch.benchClasspath(),
              Pipe.class.getName(),
              args,
              space.dir().resolve("pipe.log")));
    }

    @Override
    public OptionalLong pid() {
      return OptionalLong.of(jvm.pid());
    }

    @Override
    public void close() {
      jvm.stop(10);
    }
  }

  /** The namespace's replication clusters on the source: both while it runs, the source after. */
  final class BuiltIn implements Replication {
    private final BenchClusters clusters;
    private final TrialSpace space;

    private BuiltIn(BenchClusters clusters, TrialSpace space) {
      this.clusters = clusters;
      this.space = space;
    }

    static BuiltIn start(TrialSpace space, BenchClusters clusters) {
      clusters.builtInReplication(space.namespace(), true);
      return new BuiltIn(clusters, space);
    }

    @Override
    public OptionalLong pid() {
      return OptionalLong.empty();
    }

    @Override
    public void close() {
      clusters.builtInReplication(space.namespace(), false);
      clusters.awaitNoReplicators(
          space.topics(), space.partitions(), java.time.Duration.ofSeconds(20));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
