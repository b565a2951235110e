package io.georep.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pulsar standalone broker (broker, one bookie, RocksDB metadata) in a child JVM started from the
 * broker classpath that {@code georep-testkit-broker-classpath} resolved at build time, so the
 * broker's jars never meet the test's. Its main class, {@code
 * io.georep.testkit.broker.StandaloneLauncher}, first removes the ephemeral metadata that a killed
 * broker left behind (see there why), then runs the standalone. The JVM maps a class archive when
 * there is one ({@link BrokerClassArchive}).
 *
 * <p>Layout of {@link #dataDir()}: {@code broker.conf}, {@code log4j2.xml}, {@code jvm.args} (run
 * {@code java @jvm.args} in that directory to start the broker by hand), {@code bookkeeper/},
 * {@code metadata/}, {@code token/}, {@code tls/} and {@code broker.log}, which every run appends
 * to. Ports are chosen once and kept, so a restart comes back at the same URLs with the same data.
 *
 * <p>The bookie runs with {@code journalSyncData=false}: an acknowledged entry is in the journal
 * file but maybe not on the disk, which survives {@link #kill()} (the page cache stays) but not a
 * machine crash. Tests only kill processes.
 */
final class ChildJvmPulsarCluster extends StartableCluster {
  private static final Logger log = LoggerFactory.getLogger(ChildJvmPulsarCluster.class);

  /** Root log level of the broker: error, warn, info (default) or debug. */
  static final String LOG_LEVEL_PROPERTY = "georep.testkit.brokerLogLevel";

  /** Seconds to wait until a started broker is ready; default 90. */
  static final String START_TIMEOUT_PROPERTY = "georep.testkit.startTimeoutSeconds";

  /** More options for the broker JVM, separated by spaces, e.g. {@code -Xmx2g}; they come last. */
  static final String JVM_OPTIONS_PROPERTY = "georep.testkit.brokerJvmOptions";

  private static final String HOST = "127.0.0.1";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms128m",
          "-Xmx768m",
          "-XX:MaxDirectMemorySize=512m",
          "-XX:+UseG1GC",
          "-Djava.net.preferIPv4Stack=true",
          // as bin/pulsar does on Java 17: Netty's direct buffers, CRC32C, runtime metrics
          "-Dio.netty.tryReflectionSetAccessible=true",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util.zip=ALL-UNNAMED",
          "--add-opens=java.base/sun.net=ALL-UNNAMED",
          "--add-opens=java.management/sun.management=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.platform=ALL-UNNAMED");

  private final Ports ports;
  private final Optional<TlsMaterial> tls;
  private final Path configFile;
  private final Path log4jFile;

  /** The broker process of the current run; written under the lock, read by the reaper too. */
  private volatile Process process;

  private boolean closed;

  private ChildJvmPulsarCluster(PulsarClusterSpec spec, Path dataDir) {
    super(spec, dataDir);
    this.ports = Ports.allocate(spec().tls());
    this.tls =
        spec().tls()
            ? Optional.of(TlsMaterial.loadOrCreate(dataDir().resolve("tls")))
            : Optional.empty();
    this.configFile = dataDir().resolve("broker.conf");
    this.log4jFile = dataDir().resolve("log4j2.xml");
    writeConfigFiles();
  }

  /**
   * Prepares a cluster (directory, ports, keys, configuration) without starting it; {@link
   * #start()} starts it.
   */
  static ChildJvmPulsarCluster create(PulsarClusterSpec spec) {
    return DataDirs.initNew(spec.name(), dir -> new ChildJvmPulsarCluster(spec, dir));
  }

  /** Starts the broker and returns when it is ready; on failure the broker is killed. */
  @Override
  synchronized void start() {
    if (closed) {
      throw new IllegalStateException("cluster " + name() + " is closed");
    }
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("cluster " + name() + " is already running");
    }
    long started = System.nanoTime();
    BrokerClasspath classpath = BrokerClasspath.get();
    BrokerClassArchive.Plan archive = BrokerClassArchive.plan(classpath, DataDirs.root());
    try {
      Files.writeString(
          logFile(),
          "==== georep-testkit: starting " + name() + " at " + Instant.now() + " ====\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(launchCommand(classpath, archive))
              .directory(dataDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(logFile().toFile()));
      builder.environment().remove("PULSAR_STANDALONE_USE_ZOOKEEPER");
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      BrokerClassArchive.release(archive);
      throw new UncheckedIOException("cannot start the broker of " + name(), e);
    }
    Reaper.register(this);
    try {
      Readiness.await(this, this::deathReason, startTimeout());
    } catch (Readiness.NotReadyException e) {
      BrokerClassArchive.release(archive);
      kill();
      throw PulsarClusterException.withLogTail(name(), e.getMessage(), logFile(), e.getCause());
    }
    log.info(
        "Pulsar cluster {} ready in {} ms (pid {}): {} {}, data in {}",
        name(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        process.pid(),
        serviceUrl(),
        adminUrl(),
        dataDir());
    if (archive instanceof BrokerClassArchive.Record record) {
      BrokerClassArchive.dump(record, process.pid());
    }
  }

  private Optional<String> deathReason() {
    Process p = process;
    if (p == null) {
      return Optional.of("the broker was not started");
    }
    return p.isAlive()
        ? Optional.empty()
        : Optional.of("the broker process exited with code " + p.exitValue());
  }

  private static Duration startTimeout() {
    return Duration.ofSeconds(
        Long.getLong(START_TIMEOUT_PROPERTY, Readiness.DEFAULT_TIMEOUT.toSeconds()));
  }

  @Override
  public String serviceUrl() {
    return spec().tls()
        ? "pulsar+ssl://" + HOST + ":" + ports.brokerTls()
        : "pulsar://" + HOST + ":" + ports.broker();
  }

  @Override
  public String adminUrl() {
    return spec().tls()
        ? "https://" + HOST + ":" + ports.webTls()
        : "http://" + HOST + ":" + ports.web();
  }

  @Override
  public Optional<Path> trustCertsFile() {
    return tls.map(TlsMaterial::caCertFile);
  }

  @Override
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!waitFor(p, STOP_TIMEOUT)) {
      log.warn(
          "Broker of {} did not stop within {} s after SIGTERM; killing it",
          name(),
          STOP_TIMEOUT.toSeconds());
      kill();
    }
  }

  @Override
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    if (!waitFor(p, STOP_TIMEOUT)) {
      throw new PulsarClusterException(
          "the broker of " + name() + " (pid " + p.pid() + ") survived SIGKILL");
    }
  }

  @Override
  public synchronized void freeze() {
    signal("STOP");
  }

  @Override
  public synchronized void unfreeze() {
    signal("CONT");
  }

  private void signal(String which) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new PulsarClusterException("the broker of " + name() + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + which, Long.toString(p.pid())).start();
      if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new PulsarClusterException(
            "kill -" + which + " " + p.pid() + " failed for the broker of " + name());
      }
    } catch (java.io.IOException e) {
      throw new PulsarClusterException("cannot run kill -" + which + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PulsarClusterException("interrupted while signalling the broker", e);
    }
  }

  @Override
  public synchronized void restart() {
    stop();
    start();
  }

  /**
   * Kills the broker (no need to stop it gracefully: its data goes) and deletes the data directory;
   * with {@code georep.testkit.keepData}=true it stops the broker gracefully and keeps it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean keep = DataDirs.keep();
    try {
      if (keep) {
        stop();
      } else {
        kill();
      }
    } finally {
      Reaper.unregister(this);
    }
    if (keep) {
      log.info("Kept the data of cluster {} in {}", name(), dataDir());
    } else {
      DataDirs.delete(dataDir());
    }
  }

  /** Leaves the data directory in place: for a cluster that failed to start, so its log stays. */
  @Override
  synchronized void abandon() {
    closed = true;
    try {
      kill();
    } finally {
      Reaper.unregister(this);
    }
  }

  @Override
  public String toString() {
    return "ChildJvmPulsarCluster{" + name() + ", " + serviceUrl() + ", " + dataDir() + "}";
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new PulsarClusterException("interrupted while waiting for the broker to exit", e);
    }
  }

  private void writeConfigFiles() {
    StringBuilder conf =
        new StringBuilder("# written by georep-testkit for cluster " + name() + "\n");
    BrokerSettings.of(spec(), backendSettings(), tokenSettings(), tlsSettings())
        .forEach((k, v) -> conf.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    try {
      Files.writeString(configFile, conf);
      Files.writeString(log4jFile, log4jConfig(System.getProperty(LOG_LEVEL_PROPERTY, "info")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the configuration in " + dataDir(), e);
    }
  }

  /**
   * Writes {@code jvm.args} (so that {@code java @jvm.args} in the data directory starts the broker
   * by hand) and returns the command that uses it.
   */
  private List<String> launchCommand(BrokerClasspath classpath, BrokerClassArchive.Plan archive)
      throws IOException {
    List<String> args = new ArrayList<>(JVM_OPTIONS);
    args.addAll(archive.jvmOptions());
    args.add("-Dlog4j2.configurationFile=" + log4jFile);
    args.add("-Dlog4j.configurationFile=" + log4jFile);
    String extra = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
    if (!extra.isEmpty()) {
      args.addAll(List.of(extra.split("\\s+")));
    }
    args.addAll(List.of("-cp", classpath.asString(), classpath.mainClass()));
    args.addAll(
        List.of(
            "--config",
            configFile.toString(),
            "--no-functions-worker",
            "--no-stream-storage",
            "--bookkeeper-dir",
            dataDir().resolve("bookkeeper").toString(),
            "--bookkeeper-port",
            Integer.toString(ports.bookie()),
            "--metadata-dir",
            dataDir().resolve("metadata").toString()));
    Path argFile = dataDir().resolve("jvm.args");
    StringBuilder text = new StringBuilder();
    args.forEach(a -> text.append(argFileQuote(a)).append('\n'));
    Files.writeString(argFile, text);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // In a session of its own the broker does not get the terminal's Ctrl-C: the process that
    // started it decides when it stops (the sandbox verifies after Ctrl-C, then stops it).
    return Files.isExecutable(SETSID)
        ? List.of(SETSID.toString(), java, "@" + argFile)
        : List.of(java, "@" + argFile);
  }

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** Addresses, ports and a light bookie: what only this backend decides. */
  private Map<String, String> backendSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bindAddress", HOST);
    settings.put("advertisedAddress", HOST); // the bookie reads this key too
    settings.put("brokerServicePort", Integer.toString(ports.broker()));
    settings.put("webServicePort", Integer.toString(ports.web()));
    // without it the standalone bookie ignores --bookkeeper-port and takes a random port,
    // which its cookie then refuses on restart
    settings.put("allowEphemeralPorts", "true");
    settings.put("journalSyncData", "false");
    settings.put("dbStorage_writeCacheMaxSizeMb", "16");
    settings.put("dbStorage_readAheadCacheMaxSizeMb", "16");
    settings.put("diskUsageThreshold", "0.999");
    settings.put("diskUsageWarnThreshold", "0.99");
    return settings;
  }

  private Map<String, String> tokenSettings() {
    return tokens()
        .map(
            t -> BrokerSettings.tokenAuth(t.secretKeyFile().toUri().toString(), t.superUserToken()))
        .orElse(Map.of());
  }

  private Map<String, String> tlsSettings() {
    return tls.map(m -> BrokerSettings.tls(ports.brokerTls(), ports.webTls(), m)).orElse(Map.of());
  }

  private static String log4jConfig(String level) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- written by georep-testkit -->
        <Configuration status="warn">
          <Appenders>
            <Console name="CONSOLE" target="SYSTEM_OUT">
              <PatternLayout pattern="%d{ISO8601} %-5p [%t] %c{1} - %m%n"/>
            </Console>
          </Appenders>
          <Loggers>
            <Root level="LEVEL"><AppenderRef ref="CONSOLE"/></Root>
          </Loggers>
        </Configuration>
        """
        .replace("LEVEL", level);
  }

  /** Quotes an argument for a java @argfile: backslash and double quote are escaped. */
  private static String argFileQuote(String arg) {
    return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The ports of one cluster; the TLS ones are 0 when TLS is off. */
  record Ports(int broker, int web, int bookie, int brokerTls, int webTls) {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    /**
     * Free ports, never the same twice in this JVM: two clusters allocating at the same time cannot
     * get the same port, which the OS alone would allow once the probe socket is closed.
     */
    static synchronized Ports allocate(boolean tls) {
      int[] p = new int[tls ? 5 : 3];
      List<ServerSocket> probes = new ArrayList<>();
      try {
        for (int i = 0; i < p.length; ) {
          ServerSocket socket = new ServerSocket(0);
          probes.add(socket);
          if (HANDED_OUT.add(socket.getLocalPort())) {
            p[i++] = socket.getLocalPort();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find free ports", e);
      } finally {
        for (ServerSocket socket : probes) {
          try {
            socket.close();
          } catch (IOException e) {
            // a probe socket that will not close still freed its port for our use: nothing to do
          }
        }
      }
      return tls ? new Ports(p[0], p[1], p[2], p[3], p[4]) : new Ports(p[0], p[1], p[2], 0, 0);
    }
  }

  /** Kills the brokers still running when the test JVM exits, and deletes their data. */
  static final class Reaper {
    private static final Set<ChildJvmPulsarCluster> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile java.util.concurrent.CountDownLatch hold =
        new java.util.concurrent.CountDownLatch(0);

    /** The reaper waits (at most 2 minutes) for {@code latch} before it kills the brokers. */
    static void holdUntil(java.util.concurrent.CountDownLatch latch) {
      hold = latch;
    }

    static {
      Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reap, "georep-testkit-reaper"));
    }

    private Reaper() {}

    static void register(ChildJvmPulsarCluster cluster) {
      LIVE.add(cluster);
    }

    static void unregister(ChildJvmPulsarCluster cluster) {
      LIVE.remove(cluster);
    }

    private static void reap() {
      try {
        hold.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (ChildJvmPulsarCluster cluster : LIVE) {
        Process p = cluster.process;
        if (p != null) {
          p.destroyForcibly();
        }
      }
      for (ChildJvmPulsarCluster cluster : LIVE) {
        Process p = cluster.process;
        try {
          if (p != null) {
            p.waitFor(5, TimeUnit.SECONDS);
          }
          if (!DataDirs.keep()) {
            DataDirs.delete(cluster.dataDir());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (UncheckedIOException e) {
          // the JVM is exiting: a directory we cannot delete stays in the temp dir
          System.err.println("georep-testkit: " + e.getMessage());
        }
      }
    }
  }
}
