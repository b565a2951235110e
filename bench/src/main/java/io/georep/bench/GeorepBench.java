package io.georep.bench;

import io.georep.config.Forwarding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/georep-bench}: starts two clusters, then measures georep, Pulsar's built-in
 * geo-replication and a bare pipe on them, interleaved, and writes the results as JSON and
 * markdown.
 */
@Command(
    name = "georep-bench",
    mixinStandardHelpOptions = true,
    subcommands = OutageScenario.class,
    description = {
      "Benchmarks georep against Pulsar's built-in geo-replication and a bare consume-produce"
          + " pipe on two local Pulsar clusters, in one run with interleaved repetitions.",
      "Prints the results as markdown and writes results.json and results.md to --output."
    })
public final class GeorepBench implements Callable<Integer> {
  /** Set by bin/georep-bench: the repository, where the georep CLI was built. */
  static final String ROOT_PROPERTY = "georep.root";

  @Option(names = "--quick", description = "One repetition of short phases (about 4 minutes).")
  boolean quick;

  @Option(
      names = "--repetitions",
      paramLabel = "N",
      description =
          "Trials per workload and contender (default 3, 1 with --quick); 0 runs only the memory"
              + " scenario.")
  Integer repetitions;

  @Option(
      names = "--workloads",
      split = ",",
      paramLabel = "ID",
      description = "Which workloads: 1kb-1, 1kb-8, 100b-1, 100b-8 (default all).")
  List<String> workloads;

  @Option(
      names = "--contenders",
      split = ",",
      paramLabel = "NAME",
      description =
          "Which contenders: georep, built-in, pipe, georep-no-state (default all; without"
              + " georep-no-state with --quick).")
  List<String> contenders;

  @Option(
      names = "--memory-partitions",
      paramLabel = "N",
      description =
          "Partitions of backlog in the memory scenario; 0 skips it (default 1000, 0 with --quick).")
  Integer memoryPartitions;

  @Option(
      names = "--memory-forwarding",
      split = ",",
      paramLabel = "MODE",
      description =
          "Forwarding modes the memory scenario runs in, one daemon each: entries, messages"
              + " (default both).")
  List<String> memoryForwarding;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      description = "Warm-up of the latency and streaming phases (default 5, 1 with --quick).")
  Integer warmupSeconds;

  @Option(
      names = "--measure-seconds",
      paramLabel = "S",
      description =
          "Measured part of the latency and streaming phases (default 15, 3 with --quick).")
  Integer measureSeconds;

  @Option(
      names = "--catchup-messages",
      paramLabel = "N",
      description =
          "Backlog of the catch-up phase (default 200000 of 1 KB, 500000 of 100 B; a tenth with"
              + " --quick).")
  Long catchUpMessages;

  @Option(
      names = "--latency-rates",
      split = ",",
      paramLabel = "ID=MSG_PER_S",
      description =
          "Fixed rates of the latency phase, e.g. 1kb-8=33500, instead of half of built-in's"
              + " streaming rate in the warm-up round (which varies from run to run; the round still"
              + " runs, to warm the brokers): for comparing two builds at the same load.")
  Map<String, Double> fixedLatencyRates = Map.of();

  @Option(
      names = "--jfr",
      description = "Record each georep daemon with Java Flight Recorder (a .jfr per trial).")
  boolean flightRecording;

  @Option(
      names = "--render",
      paramLabel = "FILE",
      description =
          "Runs nothing: renders the markdown tables again from a results.json, writes them to"
              + " results.md beside it and prints them.")
  Path render;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Where results and logs go (default bench/target/results/<time>).")
  Path output;

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;
  private String[] arguments = new String[0];

  public static void main(String[] args) {
    // before anything logs: the benchmark's own, quieter logging (see the resource)
    System.setProperty("logback.configurationFile", "georep-bench-logback.xml");
    GeorepBench bench = new GeorepBench();
    bench.arguments = args;
    System.exit(new CommandLine(bench).execute(args));
  }

  /** Parses an argument's value; an unknown one is a usage error naming it, not a stack trace. */
  private <T> T argument(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (render != null) {
      String markdown = MarkdownReport.render(JsonReport.read(Files.readString(render)));
      Files.writeString(render.toAbsolutePath().resolveSibling("results.md"), markdown);
      out.print(markdown);
      return 0;
    }
    if (!Proc.available()) {
      throw new IllegalStateException("the benchmark reads /proc and runs on Linux only");
    }
    BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.full();
    settings =
        settings.with(
            repetitions,
            catchUpMessages,
            warmupSeconds == null ? null : Duration.ofSeconds(warmupSeconds),
            measureSeconds == null ? null : Duration.ofSeconds(measureSeconds),
            memoryPartitions);
    List<Workload> chosenWorkloads =
        workloads == null
            ? Workload.ALL
            : argument(() -> workloads.stream().map(Workload::byId).toList());
    fixedLatencyRates.forEach(
        (id, rate) -> {
          argument(() -> Workload.byId(id));
          if (!(rate > 0)) {
            throw new ParameterException(
                spec.commandLine(),
                "--latency-rates " + id + "=" + rate + ": the rate must be a positive msg/s");
          }
        });
    List<Forwarding> memoryModes =
        memoryForwarding == null
            ? List.of(Forwarding.ENTRIES, Forwarding.MESSAGES)
            : argument(() -> memoryForwarding.stream().map(GeorepBench::forwarding).toList());
    List<Contender> chosenContenders =
        contenders != null
            ? argument(() -> contenders.stream().map(Contender::byLabel).toList())
            : quick
                ? List.of(Contender.GEOREP, Contender.BUILT_IN, Contender.PIPE)
                : List.of(Contender.values());
    Path root = Path.of(System.getProperty(ROOT_PROPERTY, ".")).toAbsolutePath().normalize();
    Path dir =
        output != null
            ? output
            : root.resolve("bench/target/results")
                .resolve(
                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now()));
    Files.createDirectories(dir.resolve("trials"));
    Replication.Launch launch =
        new Replication.Launch(
            daemonClasspath(root),
            System.getProperty("java.class.path"),
            daemonJavaOptions(root),
            flightRecording);

    Map<String, Object> run = new LinkedHashMap<>();
    run.put("command", ("bin/georep-bench " + String.join(" ", arguments)).strip());
    run.put("machine", Machine.describe());
    run.put("settings", settings.describe());
    run.put("brokerSettings", BenchClusters.BROKER_SETTINGS);
    run.put(
        "brokerJvmOptions",
        System.getProperty(
            BenchClusters.BROKER_JVM_OPTIONS_PROPERTY, BenchClusters.BROKER_JVM_OPTIONS));
    run.put("startedAt", Instant.now().toString());
    out.printf("georep-bench: %s%n", Machine.summary());
    out.printf("Results and logs in %s%n", dir);
    out.println("Starting two Pulsar clusters (east -> west) ...");
    long t0 = System.nanoTime();
    try (BenchClusters clusters = BenchClusters.start()) {
      try {
        out.printf(Locale.ROOT, "  ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        TrialRunner runner =
            new TrialRunner(clusters, launch, settings, dir.resolve("trials"), out);
        Map<String, Double> latencyRates = new LinkedHashMap<>();
        Map<Contender, String> unavailable = new EnumMap<>(Contender.class);
        List<TrialResult> trials = new ArrayList<>();
        List<Workload> measured = settings.repetitions() > 0 ? chosenWorkloads : List.of();
        if (!measured.isEmpty()) {
          out.println(
              "Warm-up round: built-in streams each workload; half its rate drives the latency"
                  + " phase");
        }
        for (Workload w : measured) {
          // Calibrated even when the rate is fixed: the round also warms the brokers' JIT.
          double rate = runner.calibrate(w);
          Double fixed = fixedLatencyRates.get(w.id());
          double latencyRate = fixed != null ? fixed : rate / 2;
          latencyRates.put(w.id(), latencyRate);
          out.printf(
              Locale.ROOT,
              "  %-20s built-in %,10.0f msg/s -> latency phase at %,.0f msg/s%s%n",
              w.label(),
              rate,
              latencyRate,
              fixed != null ? " (fixed by --latency-rates)" : "");
        }
        for (int rep = 1; rep <= settings.repetitions(); rep++) {
          for (Workload w : chosenWorkloads) {
            for (Contender c : rotated(chosenContenders, rep - 1)) {
              if (unavailable.containsKey(c)) {
                continue;
              }
              TrialResult result = runner.run(w, c, rep, latencyRates.get(w.id()));
              if (result.notes().contains(TrialRunner.NOT_WIRED)) {
                unavailable.put(c, TrialRunner.NOT_WIRED_SHORT);
                result = result.withoutValues();
              }
              trials.add(result);
              out.println(progressLine(settings, w, result));
              if (result.notes().stream().anyMatch(n -> n.startsWith("trial failed"))) {
                clusters.restartIfUnhealthy().ifPresent(what -> out.println("      " + what));
              }
              Results partial =
                  new Results(
                      chosenWorkloads,
                      chosenContenders,
                      trials,
                      latencyRates,
                      unavailable,
                      List.of());
              Files.writeString(dir.resolve("results.json"), JsonReport.render(partial, run));
            }
          }
        }
        runner.awaitCleanup();
        List<Results.MemoryScaleResult> memory = new ArrayList<>();
        if (settings.memoryPartitions() > 0 && chosenContenders.contains(Contender.GEOREP)) {
          for (Forwarding mode : memoryModes) {
            Results.MemoryScaleResult result =
                MemoryScale.run(
                    clusters,
                    launch,
                    mode,
                    settings.memoryPartitions(),
                    settings.memoryMessagesPerPartition(),
                    settings.catchUpTimeout(),
                    Files.createDirectories(
                        dir.resolve("trials/memory-" + mode.name().toLowerCase(Locale.ROOT))),
                    out);
            memory.add(result);
            out.print(MarkdownReport.memoryScale(result));
          }
        }
        run.put("finishedAt", Instant.now().toString());
        Results results =
            new Results(
                chosenWorkloads, chosenContenders, trials, latencyRates, unavailable, memory);
        String markdown = MarkdownReport.render(results);
        Files.writeString(dir.resolve("results.json"), JsonReport.render(results, run));
        Files.writeString(dir.resolve("results.md"), markdown);
        out.println();
        out.print(markdown);
        out.printf(
            Locale.ROOT,
            "%nDone in %.1f min; results in %s%n",
            (System.nanoTime() - t0) / 60e9,
            dir);
        return 0;
      } finally {
        clusters.saveLogs(dir);
      }
    }
  }

  private static String progressLine(BenchSettings settings, Workload w, TrialResult r) {
    Map<Metric, Double> v = r.values();
    String line =
        String.format(
            Locale.ROOT,
            "  rep %d/%d %-20s %-16s stream %s msg/s, catch-up %s msg/s, lag p99 %s ms, RSS %s MB",
            r.repetition(),
            settings.repetitions(),
            w.label(),
            r.contender().label(),
            MarkdownReport.number(
                v.getOrDefault(Metric.STREAM_RATE, Double.NaN), Metric.STREAM_RATE),
            MarkdownReport.number(
                v.getOrDefault(Metric.CATCHUP_RATE, Double.NaN), Metric.CATCHUP_RATE),
            MarkdownReport.number(v.getOrDefault(Metric.LAG_P99, Double.NaN), Metric.LAG_P99),
            MarkdownReport.number(v.getOrDefault(Metric.PEAK_RSS, Double.NaN), Metric.PEAK_RSS));
    List<String> problems =
        r.notes().stream().filter(n -> !n.startsWith("streaming: source took")).toList();
    return problems.isEmpty() ? line : line + "\n      " + String.join("\n      ", problems);
  }

  /** A forwarding mode as the configuration spells it: entries or messages. */
  static Forwarding forwarding(String mode) {
    for (Forwarding f : Forwarding.values()) {
      if (f.name().equalsIgnoreCase(mode.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--memory-forwarding " + mode + ": the modes are entries and messages");
  }

  /** The contenders in another order for each repetition, so none always runs first. */
  static <T> List<T> rotated(List<T> items, int by) {
    List<T> rotated = new ArrayList<>(items);
    if (!items.isEmpty()) {
      java.util.Collections.rotate(rotated, -(by % items.size()));
    }
    return rotated;
  }

  /** The classpath bin/georep runs the CLI with: the CLI's jar and its launcher classpath. */
  static String daemonClasspath(Path root) throws IOException {
    Path target = root.resolve("cli/target");
    Path classpathFile = target.resolve("georep.classpath");
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> found = Files.newDirectoryStream(target, "georep-cli-*.jar")) {
        found.forEach(jars::add);
      }
    }
    if (jars.isEmpty() || !Files.isReadable(classpathFile)) {
      throw new IllegalStateException(
          "georep is not built in "
              + root
              + " (no cli/target/georep-cli-*.jar or georep.classpath): run bin/georep-bench, which"
              + " builds it, or set -D"
              + ROOT_PROPERTY);
    }
    return jars.get(0) + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
  }

  /** As bin/georep starts the daemon: bin/georep.jvm-options, then GEOREP_JAVA_OPTS. */
  static List<String> daemonJavaOptions(Path root) throws java.io.IOException {
    List<String> options = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("bin/georep.jvm-options"))) {
      if (!line.isBlank() && !line.strip().startsWith("#")) {
        options.add(line.strip());
      }
    }
    options.addAll(javaOptions(System.getenv("GEOREP_JAVA_OPTS")));
    return options;
  }

  static List<String> javaOptions(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.asList(value.trim().split("\\s+"));
  }
}
