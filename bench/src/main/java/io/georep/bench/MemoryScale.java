package io.georep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.config.Forwarding;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * georep's memory with many partitions of backlog: a backlog of 1 KB messages spread over one topic
 * of many partitions, caught up by a fresh daemon (its link forwarding entries or messages: the
 * receive queues of both modes share the daemon's budget) while its resident set and heap are
 * sampled. Completion is read from the daemon's status API (messages forwarded), since reading a
 * target of a thousand partitions would load the benchmark's JVM more than the daemon's.
 */
final class MemoryScale {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MESSAGE_BYTES = 1024;

  private MemoryScale() {}

  static Results.MemoryScaleResult run(
      BenchClusters clusters,
      Replication.Launch launch,
      Forwarding forwarding,
      int partitions,
      int perPartition,
      Duration timeout,
      Path dir,
      PrintStream out) {
    String mode = forwarding.name().toLowerCase(Locale.ROOT);
    String name = "memory-" + mode;
    TrialSpace space = new TrialSpace(name, BenchClusters.TENANT + "/" + name, partitions, dir);
    long total = (long) partitions * perPartition;
    clusters.createSpace(space.namespace(), List.of(space.catchUpTopic()), partitions);
    try {
      out.printf(
          Locale.ROOT,
          "memory (forwarding: %s): writing %,d messages to %,d partitions ...%n",
          mode,
          total,
          partitions);
      try (LoadGenerator load =
          new LoadGenerator(clusters.sourceClient(), space.catchUpTopic(), MESSAGE_BYTES)) {
        load.backlog(total);
      }
      long started = System.nanoTime();
      try (Replication.GeorepDaemon daemon =
              Replication.GeorepDaemon.start(space, clusters, launch, false, forwarding);
          ContenderSampler memory = new ContenderSampler(daemon)) {
        long deadline = started + timeout.toNanos();
        long forwarded = 0;
        double peakRss = 0;
        while (forwarded < total && System.nanoTime() < deadline && daemon.alive()) {
          TrialRunner.sleep(Duration.ofSeconds(1));
          forwarded = Math.max(forwarded, forwarded(daemon.statusJson()));
          peakRss = Math.max(peakRss, memory.peakRssKb().orElse(0) / 1024.0);
        }
        String note =
            forwarded >= total
                ? "all delivered"
                : !daemon.alive()
                    ? String.format(
                        Locale.ROOT,
                        "the daemon died after forwarding %,d messages: %s",
                        forwarded,
                        daemon.lastError())
                    : String.format(
                        Locale.ROOT, "%,d of %,d forwarded before the timeout", forwarded, total);
        double seconds = (System.nanoTime() - started) / 1e9;
        double rss = memory.rssKb().orElse(0) / 1024.0;
        peakRss = Math.max(peakRss, memory.peakRssKb().orElse(0) / 1024.0);
        return new Results.MemoryScaleResult(
            mode,
            partitions,
            total,
            MESSAGE_BYTES,
            seconds,
            forwarded >= total,
            peakRss,
            memory.peakHeapBytes() / (1024.0 * 1024.0),
            rss,
            note);
      }
    } finally {
      clusters.deleteSpace(space.namespace()).join();
      TrialRunner.deleteTree(dir.resolve("state"));
    }
  }

  /** Messages forwarded, summed over the links of a status document; 0 when there is none. */
  static long forwarded(String statusJson) {
    if (statusJson.isEmpty()) {
      return 0;
    }
    try {
      long sum = 0;
      for (JsonNode link : JSON.readTree(statusJson).path("links")) {
        sum += link.path("messagesForwarded").asLong();
      }
      return sum;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
