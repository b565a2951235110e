package io.georep.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of one process's threads, grouped by name with the digits taken out ({@code
 * BookieJournal-3181} and {@code BookieJournal-3182} are {@code BookieJournal-N}), split into user
 * and kernel time, from {@code /proc/<pid>/task}. It shows where a broker's cores go: in the
 * kernel's file writes of its bookie, in its network threads, in the JIT.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** Ticks per thread id at one instant, with each thread's group name. */
  record Snapshot(long nanos, Map<String, String> groups, Map<String, Proc.Ticks> ticks) {}

  /** One group's cores between two snapshots. */
  record Group(String name, double cores, double systemCores) {}

  static Snapshot snapshot(long pid) {
    Map<String, String> groups = new HashMap<>();
    Map<String, Proc.Ticks> ticks = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Proc.ROOT.resolve(pid + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
          String id = task.getFileName().toString();
          groups.put(id, groupOf(stat));
          ticks.put(id, Proc.ticksOfStat(stat));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // the process is gone: nothing to show
    }
    return new Snapshot(System.nanoTime(), groups, ticks);
  }

  /** Groups by cores between the snapshots, busiest first; threads born meanwhile count whole. */
  static List<Group> between(Snapshot from, Snapshot to) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    Map<String, long[]> sums = new HashMap<>();
    to.ticks()
        .forEach(
            (id, now) -> {
              Proc.Ticks before = from.ticks().getOrDefault(id, new Proc.Ticks(0, 0));
              long[] sum = sums.computeIfAbsent(to.groups().get(id), g -> new long[2]);
              sum[0] += now.total() - before.total();
              sum[1] += now.system() - before.system();
            });
    List<Group> groups = new ArrayList<>();
    if (seconds <= 0) {
      return groups;
    }
    sums.forEach(
        (name, sum) ->
            groups.add(
                new Group(
                    name,
                    sum[0] / Proc.TICKS_PER_SECOND / seconds,
                    sum[1] / Proc.TICKS_PER_SECOND / seconds)));
    groups.sort(Comparator.comparingDouble(Group::cores).reversed());
    return groups;
  }

  /** The busiest groups, as "name cores (kernel cores)". */
  static String describe(List<Group> groups, int top) {
    return groups.stream()
        .limit(top)
        .map(
            g -> String.format(Locale.ROOT, "%s %.2f (%.2f)", g.name(), g.cores(), g.systemCores()))
        .collect(Collectors.joining(", "));
  }

  /** A thread's name from its stat line, digits replaced: one name per pool. */
  static String groupOf(String stat) {
    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return name.replaceAll("[0-9]+", "N");
  }
}
