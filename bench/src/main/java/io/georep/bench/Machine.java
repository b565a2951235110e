package io.georep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What the benchmark ran on. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cpus", Runtime.getRuntime().availableProcessors());
    machine.put("cpuModel", cpuModel());
    machine.put("memoryGiB", memoryGiB());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    return machine;
  }

  static String summary() {
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s), %.1f GiB, %s, JDK %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        memoryGiB(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.runtime.version"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double memoryGiB() {
    try {
      return Proc.statusKbOf(Files.readString(Path.of("/proc/meminfo")), "MemTotal").orElse(0)
          / (1024.0 * 1024.0);
    } catch (IOException e) {
      return 0;
    }
  }
}
