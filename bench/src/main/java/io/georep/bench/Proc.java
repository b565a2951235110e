package io.georep.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What Linux's {@code /proc} says about CPU time and memory: per process ({@code /proc/<pid>/stat}
 * and {@code status}) and for the whole machine ({@code /proc/stat}). Times are in clock ticks of
 * {@value #TICKS_PER_SECOND} per second ({@code USER_HZ}, fixed at 100 in Linux's ABI on every
 * architecture the JDK runs on).
 */
final class Proc {
  static final double TICKS_PER_SECOND = 100.0;

  static final Path ROOT = Path.of("/proc");

  private Proc() {}

  /** CPU ticks of a process or thread: in user space and in the kernel. */
  record Ticks(long user, long system) {
    long total() {
      return user + system;
    }
  }

  /** CPU ticks of the whole machine since boot: busy (every state but idle and iowait) and all. */
  record MachineTicks(long busy, long total) {}

  /** Whether this machine has a /proc to read (Linux). */
  static boolean available() {
    return Files.isReadable(ROOT.resolve("stat"));
  }

  /** User plus system ticks of a process, or empty when it is gone. */
  static OptionalLong cpuTicks(long pid) {
    try {
      return OptionalLong.of(
          cpuTicksOfStat(Files.readString(ROOT.resolve(pid + "/stat"), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** The machine's ticks now. */
  static MachineTicks machineTicks() {
    try {
      return machineTicksOf(Files.readString(ROOT.resolve("stat"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/stat: " + e.getMessage(), e);
    }
  }

  /** A field of {@code /proc/<pid>/status} in kB (VmHWM, VmRSS), or empty when it is gone. */
  static OptionalLong statusKb(long pid, String field) {
    try {
      return statusKbOf(Files.readString(ROOT.resolve(pid + "/status")), field);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** This JVM's process id. */
  static long self() {
    return ProcessHandle.current().pid();
  }

  /**
   * The first process whose command line contains {@code fragment}, e.g. a broker found by the path
   * of its {@code jvm.args} file.
   */
  static OptionalLong findByCommandLine(String fragment) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ROOT, "[0-9]*")) {
      for (Path dir : dirs) {
        try {
          String cmdline =
              new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains(fragment)) {
            return OptionalLong.of(Long.parseLong(dir.getFileName().toString()));
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /**
   * utime + stime of a {@code /proc/<pid>/stat} line: fields 14 and 15, counted after the command
   * name in parentheses (which may itself hold spaces and parentheses).
   */
  static long cpuTicksOfStat(String stat) {
    return ticksOfStat(stat).total();
  }

  /** utime and stime of a {@code /proc/<pid>/stat} (or {@code task/<tid>/stat}) line. */
  static Ticks ticksOfStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // fields[0] is field 3 (state)
    return new Ticks(Long.parseLong(fields[14 - 3]), Long.parseLong(fields[15 - 3]));
  }

  /** The first ("cpu ") line of {@code /proc/stat}. */
  static MachineTicks machineTicksOf(String procStat) {
    String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
    String[] f = line.trim().split("\\s+");
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice], guest within user
    long total = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
    return new MachineTicks(total - idle, total);
  }

  static OptionalLong statusKbOf(String status, String field) {
    String prefix = field + ":";
    return status
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim().split("\\s+")[0]))
        .findFirst();
  }
}
