package io.georep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one trial: one contender replicating one workload, in a namespace of its own, in three
 * phases on three topics, with the contender started once:
 *
 * <ol>
 *   <li><b>catch-up</b>: a backlog written to the source before the contender starts; measured from
 *       the first to the last message arriving on the target (and from the start, separately);
 *   <li><b>latency</b>: the load generator writes at a fixed rate (50% of built-in's streaming
 *       throughput); after the warm-up, every message's lag is recorded, and the CPU time spent;
 *   <li><b>streaming</b>: the load generator writes as fast as the source takes it; after the
 *       warm-up, messages arriving on the target are counted, and the CPU time spent.
 * </ol>
 *
 * Streaming runs last, since it may leave a backlog behind. The contender's peak resident set and
 * heap are those of the whole trial.
 */
final class TrialRunner {
  private static final String CONTENDER = "contender";
  private static final String BENCH = "bench";
  private static final String SOURCE_BROKER = BenchClusters.SOURCE + " broker";

  private final BenchClusters clusters;
  private final Replication.Launch launch;
  private final BenchSettings settings;
  private final Path trialsDir;
  private final PrintStream out;
  // the previous trial's namespace being deleted while this one writes its backlog
  private CompletableFuture<Void> cleanup = CompletableFuture.completedFuture(null);

  TrialRunner(
      BenchClusters clusters,
      Replication.Launch launch,
      BenchSettings settings,
      Path trialsDir,
      PrintStream out) {
    this.clusters = clusters;
    this.launch = launch;
    this.settings = settings;
    this.trialsDir = trialsDir;
    this.out = out;
  }

  /** Waits (at most a minute) until the previous trial's namespace is deleted. */
  void awaitCleanup() {
    try {
      cleanup.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      out.println("georep-bench: the previous namespace is still being deleted: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The warm-up round: built-in streams the workload; returns its throughput (msg/s). */
  double calibrate(Workload workload) {
    TrialSpace space = space("calibrate-" + workload.id(), workload);
    clusters.createSpace(space.namespace(), space.topics(), workload.partitions());
    awaitCleanup();
    try (TargetReader reader =
            new TargetReader(clusters.targetClient(), space.streamTopic(), System.nanoTime());
        Replication builtIn = Replication.start(Contender.BUILT_IN, space, clusters, launch);
        LoadGenerator load =
            new LoadGenerator(
                clusters.sourceClient(), space.streamTopic(), workload.messageBytes())) {
      load.startFullSpeed();
      sleep(settings.warmup());
      long before = reader.received();
      long start = System.nanoTime();
      sleep(settings.calibration());
      double rate = (reader.received() - before) / ((System.nanoTime() - start) / 1e9);
      load.stop();
      return rate;
    } finally {
      cleanup = clusters.deleteSpace(space.namespace());
    }
  }

  TrialResult run(Workload workload, Contender contender, int repetition, double halfLoadRate) {
    TrialSpace space = space(workload.id() + "-r" + repetition + "-" + contender.label(), workload);
    Trial trial = new Trial();
    try {
      clusters.createSpace(space.namespace(), space.topics(), workload.partitions());
    } catch (RuntimeException e) {
      trial.notes.add("trial failed: " + e);
      cleanup = clusters.deleteSpace(space.namespace());
      return trial.result(workload, contender, repetition);
    }
    try (TargetReader catchUp =
            new TargetReader(clusters.targetClient(), space.catchUpTopic(), trial.epoch);
        TargetReader latency =
            new TargetReader(clusters.targetClient(), space.latencyTopic(), trial.epoch);
        TargetReader stream =
            new TargetReader(clusters.targetClient(), space.streamTopic(), trial.epoch)) {
      try {
        long backlog = settings.catchUpMessages(workload);
        try (LoadGenerator load =
            new LoadGenerator(
                clusters.sourceClient(), space.catchUpTopic(), workload.messageBytes())) {
          load.backlog(backlog);
        }
        Map<String, Long> pids = new LinkedHashMap<>(clusters.brokerPids());
        pids.put(BENCH, Proc.self());
        awaitCleanup();
        trial.mark("contender starting");
        try (Replication replication = Replication.start(contender, space, clusters, launch);
            ContenderSampler memory = new ContenderSampler(replication)) {
          replication.pid().ifPresent(pid -> pids.put(CONTENDER, pid));
          catchUp(trial, catchUp, backlog, pids);
          bytesPerMessage(trial, space);
          halfLoad(trial, space, workload, latency, halfLoadRate, pids, replication);
          noteInFlight(trial, memory, "catch-up", "catch-up first arrival", "catch-up over");
          noteInFlight(trial, memory, "latency");
          streaming(trial, space, workload, stream, pids);
          noteInFlight(trial, memory, "streaming");
          memory.peakRssKb().ifPresent(kb -> trial.values.put(Metric.PEAK_RSS, kb / 1024.0));
          double heap = memory.peakHeapBytes();
          if (!Double.isNaN(heap)) {
            trial.values.put(Metric.PEAK_HEAP, heap / (1024.0 * 1024.0));
          }
          if (contender == Contender.GEOREP_NO_STATE && replication.stateWrites().orElse(0) > 0) {
            trial.notes.add(NOT_WIRED);
          }
          trial.mark("contender stopping");
        }
        if (launch.flightRecording() && replicationIsGeorep(contender)) {
          summarizeRecording(trial, space);
        }
      } catch (RuntimeException e) {
        trial.notes.add("trial failed: " + e);
        e.printStackTrace(out);
      }
      for (TargetReader reader : List.of(catchUp, latency, stream)) {
        if (reader.failure() != null) {
          trial.notes.add("target reader failed: " + reader.failure());
        }
      }
      trial.arrivals.put("catchup", boxed(catchUp.timeline()));
      trial.arrivals.put("latency", boxed(latency.timeline()));
      trial.arrivals.put("stream", boxed(stream.timeline()));
    } finally {
      cleanup = clusters.deleteSpace(space.namespace());
      deleteTree(space.dir().resolve("state"));
    }
    return trial.result(workload, contender, repetition);
  }

  private static boolean replicationIsGeorep(Contender contender) {
    return contender == Contender.GEOREP || contender == Contender.GEOREP_NO_STATE;
  }

  /**
   * Writes where the daemon's CPU went during the second half of the catch-up (a warm JIT, working
   * flat out) next to its recording.
   */
  private void summarizeRecording(Trial trial, TrialSpace space) {
    Path recording = space.dir().resolve(space.name() + ".jfr");
    Long first = trial.nanos.get("catch-up first arrival");
    Long over = trial.nanos.get("catch-up over");
    if (!Files.exists(recording) || first == null || over == null) {
      return;
    }
    try {
      Files.writeString(
          space.dir().resolve(space.name() + ".jfr.txt"),
          JfrSummary.summarize(
              recording, trial.instant(first + (over - first) / 2), trial.instant(over), 25));
    } catch (IOException | RuntimeException e) {
      trial.notes.add("cannot summarize " + recording + ": " + e);
    }
  }

  /** Where the contender reports it: its messages in flight during a measurement. */
  private static void noteInFlight(Trial trial, ContenderSampler sampler, String phase) {
    noteInFlight(trial, sampler, phase, phase + " measured from", phase + " measured to");
  }

  private static void noteInFlight(
      Trial trial, ContenderSampler sampler, String phase, String fromStep, String toStep) {
    Long from = trial.nanos.get(fromStep);
    Long to = trial.nanos.get(toStep);
    if (from == null || to == null) {
      return;
    }
    ContenderSampler.Range range = sampler.inFlightBetween(from, to);
    if (range.samples() > 0) {
      trial.notes.add(
          String.format(
              Locale.ROOT,
              "%s: in flight on average %,.0f messages, at most %,.0f (%d samples)",
              phase,
              range.average(),
              range.max(),
              range.samples()));
    }
  }

  /** What a trial gathers as it goes. */
  private static final class Trial {
    final long epoch = System.nanoTime();
    final java.time.Instant epochInstant = java.time.Instant.now();
    final Map<Metric, Double> values = new EnumMap<>(Metric.class);
    final List<String> notes = new ArrayList<>();
    final Map<String, Double> marks = new LinkedHashMap<>();
    final Map<String, List<Long>> arrivals = new LinkedHashMap<>();
    final Map<String, Long> nanos = new LinkedHashMap<>();

    TrialResult result(Workload workload, Contender contender, int repetition) {
      return new TrialResult(workload.id(), contender, repetition, values, notes, marks, arrivals);
    }

    /** The wall-clock instant of a {@link System#nanoTime()} reading during the trial. */
    java.time.Instant instant(long nanos) {
      return epochInstant.plusNanos(nanos - epoch);
    }

    /** Notes when a step happened; returns {@link System#nanoTime()}. */
    long mark(String step) {
      long now = System.nanoTime();
      nanos.put(step, now);
      marks.put(step, Math.round((now - epoch) / 1e6) / 1e3);
      return now;
    }
  }

  private static List<Long> boxed(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return list;
  }

  /** The note that marks a no-state trial whose daemon still wrote checkpoints. */
  static final String NOT_WIRED =
      "not wired: the daemon wrote checkpoints although started with -Dgeorep.bench.noState=true"
          + " (PartitionReplicator does not read BenchDiagnostics yet)";

  /** Why a contender whose trial carried {@link #NOT_WIRED} was not measured, in short. */
  static final String NOT_WIRED_SHORT =
      "not wired (PartitionReplicator does not read BenchDiagnostics yet)";

  private void catchUp(Trial trial, TargetReader reader, long backlog, Map<String, Long> pids) {
    long started = System.nanoTime();
    long deadline = started + settings.catchUpTimeout().toNanos();
    // Where the CPU went from the first arrival to the last: which process a catch-up waits on.
    CpuMeter.Snapshot flowing = null;
    while (reader.distinct() < backlog && System.nanoTime() < deadline) {
      if (flowing == null && reader.distinct() > 0) {
        flowing = CpuMeter.snapshot(pids);
      }
      sleep(Duration.ofMillis(20));
    }
    long distinct = reader.distinct();
    trial.mark("catch-up over");
    if (flowing != null) {
      trial.notes.add(
          "catch-up: cores busy: " + cores(CpuMeter.between(flowing, CpuMeter.snapshot(pids))));
    }
    if (distinct < backlog) {
      trial.notes.add(
          String.format(
              Locale.ROOT,
              "catch-up incomplete: %,d of %,d messages after %s",
              distinct,
              backlog,
              settings.catchUpTimeout()));
      return;
    }
    trial.marks.put(
        "catch-up first arrival", Math.round((reader.firstArrival() - trial.epoch) / 1e6) / 1e3);
    trial.nanos.put("catch-up first arrival", reader.firstArrival());
    double firstToLast = (reader.lastArrival() - reader.firstArrival()) / 1e9;
    if (firstToLast > 0) {
      trial.values.put(Metric.CATCHUP_RATE, (backlog - 1) / firstToLast);
    }
    trial.values.put(Metric.CATCHUP_SECONDS, (reader.lastArrival() - started) / 1e9);
  }

  /** What the catch-up backlog weighs on each side, per message: provenance and batching show. */
  private void bytesPerMessage(Trial trial, TrialSpace space) {
    double source = clusters.bytesPerMessage(false, space.catchUpTopic(), space.partitions());
    double target = clusters.bytesPerMessage(true, space.catchUpTopic(), space.partitions());
    if (!Double.isNaN(target)) {
      trial.values.put(Metric.TARGET_BYTES, target);
      trial.notes.add(
          String.format(
              Locale.ROOT,
              "catch-up: %.0f bytes per message on the source, %.0f on the target",
              source,
              target));
    }
  }

  private void halfLoad(
      Trial trial,
      TrialSpace space,
      Workload workload,
      TargetReader reader,
      double rate,
      Map<String, Long> pids,
      Replication replication) {
    try (LoadGenerator load =
        new LoadGenerator(clusters.sourceClient(), space.latencyTopic(), workload.messageBytes())) {
      trial.mark("latency load starting");
      load.startPaced(rate);
      Window window =
          measure(trial, "latency", load, reader, pids, settings.latency(), replication);
      long[] lags = reader.sortedLags();
      trial.values.put(Metric.HALF_LOAD_RATE, window.deliveredPerSecond());
      if (lags.length == 0) {
        trial.notes.add("latency: nothing arrived during the measurement");
        return;
      }
      trial.values.put(Metric.LAG_P50, Stats.percentile(lags, 50) / 1e6);
      trial.values.put(Metric.LAG_P99, Stats.percentile(lags, 99) / 1e6);
      trial.values.put(Metric.LAG_MAX, Stats.percentile(lags, 100) / 1e6);
      long[] publishes = load.sortedPublishLatencies();
      if (publishes.length > 0) {
        trial.values.put(Metric.SOURCE_PUBLISH_P99, Stats.percentile(publishes, 99) / 1e6);
      }
      if (window.metricsFrom() != null && window.metricsTo() != null) {
        ContenderAccount.between(window.metricsFrom(), window.metricsTo())
            .record(trial.values, trial.notes, window.cpu().wallSeconds());
      }
      cost(
          trial,
          window,
          pids,
          Metric.CPU_MACHINE_HALF,
          Metric.CPU_OURS_HALF,
          Metric.CPU_PROCESS_HALF);
      trial.notes.add("latency: CPU cores: " + cores(window.cpu()));
      if (window.deliveredPerSecond() < 0.95 * rate) {
        trial.notes.add(
            String.format(
                Locale.ROOT,
                "latency: delivered %,.0f msg/s of the %,.0f msg/s written: the contender falls"
                    + " behind at this rate",
                window.deliveredPerSecond(),
                rate));
      }
    }
  }

  private void streaming(
      Trial trial,
      TrialSpace space,
      Workload workload,
      TargetReader reader,
      Map<String, Long> pids) {
    try (LoadGenerator load =
        new LoadGenerator(clusters.sourceClient(), space.streamTopic(), workload.messageBytes())) {
      trial.mark("streaming load starting");
      load.startFullSpeed();
      Window window = measure(trial, "streaming", load, reader, pids, settings.streaming(), null);
      if (window.delivered() == 0) {
        trial.notes.add("streaming: nothing arrived during the measurement");
        return;
      }
      trial.values.put(Metric.STREAM_RATE, window.deliveredPerSecond());
      trial.values.put(Metric.FOREIGN_CPU, window.cpu().foreignCores());
      cost(
          trial,
          window,
          pids,
          Metric.CPU_MACHINE_STREAM,
          Metric.CPU_OURS_STREAM,
          Metric.CPU_PROCESS_STREAM);
      trial.notes.add(
          String.format(
              Locale.ROOT,
              "streaming: source took %,.0f msg/s; CPU cores: %s",
              window.written() / window.cpu().wallSeconds(),
              cores(window.cpu())));
    }
  }

  /**
   * What one measurement saw: messages delivered to the target, written to the source, CPU; the
   * contender's metrics at its start and end where it serves them (else null).
   */
  private record Window(
      long delivered, long written, CpuMeter.Usage cpu, String metricsFrom, String metricsTo) {
    double deliveredPerSecond() {
      return delivered / cpu.wallSeconds();
    }
  }

  /**
   * Lets the load that runs already warm up, then measures for {@code length}, then stops the load.
   * With a {@code lagsOf} contender it records every message's lag and reads the contender's
   * metrics at both ends.
   */
  private Window measure(
      Trial trial,
      String phase,
      LoadGenerator load,
      TargetReader reader,
      Map<String, Long> pids,
      Duration length,
      Replication lagsOf) {
    boolean lags = lagsOf != null;
    sleep(settings.warmup());
    if (lags) {
      reader.recordLags(true);
      load.recordPublishLatencies(true);
    }
    long delivered = reader.received();
    long written = load.acknowledged();
    trial.mark(phase + " measured from");
    Map<String, ThreadCpu.Snapshot> threadsFrom = new LinkedHashMap<>();
    for (String process : List.of(SOURCE_BROKER, CONTENDER)) {
      if (pids.containsKey(process)) {
        threadsFrom.put(process, ThreadCpu.snapshot(pids.get(process)));
      }
    }
    String metricsFrom = lags ? lagsOf.metricsText().orElse(null) : null;
    CpuMeter.Snapshot from = CpuMeter.snapshot(pids);
    sleep(length);
    CpuMeter.Snapshot to = CpuMeter.snapshot(pids);
    String metricsTo = lags ? lagsOf.metricsText().orElse(null) : null;
    trial.mark(phase + " measured to");
    threadsFrom.forEach(
        (process, before) ->
            trial.notes.add(
                String.format(
                    Locale.ROOT,
                    "%s: %s's busiest threads, cores (in the kernel): %s",
                    phase,
                    process,
                    ThreadCpu.describe(
                        ThreadCpu.between(before, ThreadCpu.snapshot(pids.get(process))), 5))));
    Window window =
        new Window(
            reader.received() - delivered,
            load.acknowledged() - written,
            CpuMeter.between(from, to),
            metricsFrom,
            metricsTo);
    if (lags) {
      reader.recordLags(false);
      load.recordPublishLatencies(false);
    }
    load.stop();
    return window;
  }

  /**
   * CPU seconds per million delivered messages: the machine's, the bench processes', the
   * contender's.
   */
  private static void cost(
      Trial trial,
      Window window,
      Map<String, Long> pids,
      Metric machine,
      Metric benchProcesses,
      Metric process) {
    double millions = window.delivered() / 1e6;
    trial.values.put(machine, window.cpu().machineSeconds() / millions);
    trial.values.put(benchProcesses, window.cpu().processSum() / millions);
    if (pids.containsKey(CONTENDER)) {
      trial.values.put(process, window.cpu().of(CONTENDER) / millions);
    }
  }

  private static String cores(CpuMeter.Usage cpu) {
    StringBuilder s =
        new StringBuilder(
            String.format(Locale.ROOT, "machine %.2f", cpu.machineSeconds() / cpu.wallSeconds()));
    cpu.processSeconds()
        .forEach(
            (name, seconds) ->
                s.append(
                    String.format(Locale.ROOT, ", %s %.2f", name, seconds / cpu.wallSeconds())));
    return s.toString();
  }

  private TrialSpace space(String name, Workload workload) {
    Path dir = trialsDir.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return new TrialSpace(name, BenchClusters.TENANT + "/" + name, workload.partitions(), dir);
  }

  static void sleep(Duration duration) {
    try {
      TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover in the results directory; harmless
    }
  }
}
