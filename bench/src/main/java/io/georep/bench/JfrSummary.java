package io.georep.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Java Flight Recording of the georep daemon says the CPU went: the CPU samples ({@code
 * jdk.ExecutionSample}) between two instants, by the method on top of the stack (self) and by every
 * method on the stack (total), as a share of all samples. {@code bin/georep-bench --jfr} writes one
 * next to each recording, for the catch-up phase, where the daemon works flat out on a warm JIT.
 */
final class JfrSummary {
  /** The frames worth a "total" line: georep's own and the Pulsar client's, not the plumbing. */
  private static final java.util.regex.Pattern OWN_OR_CLIENT =
      java.util.regex.Pattern.compile("io\\.georep\\.|org\\.apache\\.pulsar\\.(client|common)\\.");

  private JfrSummary() {}

  static String summarize(Path recording, Instant from, Instant to, int top) throws IOException {
    Map<String, Integer> self = new LinkedHashMap<>();
    Map<String, Integer> total = new LinkedHashMap<>();
    Map<String, Integer> threads = new LinkedHashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getStartTime().isBefore(from)
          || event.getStartTime().isAfter(to)
          || event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      self.merge(name(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        if (seen.add(name(frame))) {
          total.merge(name(frame), 1, Integer::sum);
        }
      }
      String thread = event.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s: %d CPU samples from %s to %s (stacks truncated at JFR's 64 frames)%n",
            recording.getFileName(),
            samples,
            from,
            to));
    section(out, "threads", threads, samples, top);
    section(out, "self (method on top of the stack)", self, samples, top);
    total.keySet().removeIf(name -> !OWN_OR_CLIENT.matcher(name).lookingAt());
    section(
        out,
        "total (georep's and the Pulsar client's methods anywhere on the stack)",
        total,
        samples,
        top * 2);
    return out.toString();
  }

  private static void section(
      StringBuilder out, String title, Map<String, Integer> counts, int samples, int top) {
    out.append("\n").append(title).append(":\n");
    out.append(
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(top)
            .map(
                e ->
                    String.format(
                        Locale.ROOT, "%6.1f%%  %s", 100.0 * e.getValue() / samples, e.getKey()))
            .collect(Collectors.joining("\n", "", "\n")));
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
