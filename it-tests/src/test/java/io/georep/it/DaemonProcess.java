package io.georep.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The georep daemon as operators run it, {@code georep run --config F}, in a JVM of its own so that
 * a test can SIGKILL it. Its output goes to a log file under the test's directory.
 */
final class DaemonProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final boolean DEFAULT_SIGNALS_AVAILABLE = envResetsSignals();

  /** Whether {@code env --default-signal} exists here (GNU coreutils 8.31 and later). */
  private static boolean envResetsSignals() {
    try {
      Process probe = new ProcessBuilder("env", "--default-signal=HUP", "true").start();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private final Path config;
  private final Path log;
  private final int httpPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;

  DaemonProcess(Path config, Path log) throws IOException {
    this.config = config;
    this.log = log;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.httpPort = socket.getLocalPort();
    }
  }

  void start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>();
    if (DEFAULT_SIGNALS_AVAILABLE) {
      // As a service manager starts it: SIGHUP at its default even where the tests run under
      // nohup (a JVM keeps a shutdown signal ignored that was ignored at its start).
      command.addAll(List.of("env", "--default-signal=HUP"));
    }
    command.addAll(
        List.of(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "io.georep.cli.Georep",
            "run",
            "--config",
            config.toString(),
            "--http-listen",
            "127.0.0.1:" + httpPort));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGHUP: the daemon reads its configuration file again. */
  void hangUp() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  /** SIGTERM, then the exit code. */
  int terminate() throws InterruptedException {
    return terminate(Duration.ofSeconds(60));
  }

  /** SIGTERM, then the exit code, waiting at most {@code limit}. */
  int terminate(Duration limit) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("daemon did not exit within " + limit + " of SIGTERM; log: " + log);
    }
    return process.exitValue();
  }

  /** The status API's JSON, or empty when the daemon does not answer (yet). */
  String status() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(statusUrl()))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  String statusUrl() {
    return "http://127.0.0.1:" + httpPort + "/api/v1/status";
  }

  /** Messages forwarded by this incarnation, summed over links; 0 when it does not answer. */
  long forwarded() {
    String json = status();
    if (json.isEmpty()) {
      return 0;
    }
    try {
      long sum = 0;
      for (JsonNode link : JSON.readTree(json).path("links")) {
        sum += link.path("messagesForwarded").asLong();
      }
      return sum;
    } catch (IOException e) {
      throw new AssertionError("status API returned invalid JSON: " + json, e);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (isAlive()) {
      process.destroyForcibly();
    }
  }
}
