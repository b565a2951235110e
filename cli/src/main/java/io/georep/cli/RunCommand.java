package io.georep.cli;

import io.georep.config.GeorepConfig;
import io.georep.daemon.DaemonRunner;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.HostPort;
import io.georep.daemon.InvalidConfigException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code georep run}: the daemon. Runs every link of the configuration until SIGTERM or SIGINT,
 * then drains and exits 0.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the replication daemon: every link of the configuration, with metrics, health and"
          + " status over HTTP.",
      "Stops cleanly on SIGTERM or SIGINT: in-flight messages are drained, checkpoints written."
    })
final class RunCommand implements Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOption config;

  @Option(
      names = "--http-listen",
      paramLabel = "HOST:PORT",
      converter = HostPortConverter.class,
      description =
          "Where to serve /metrics, /health, /ready, /api/v1/status and the control API; overrides"
              + " http.listen of the configuration (default 127.0.0.1:9464). Port 0 takes any free"
              + " port. Beyond loopback the configuration needs http.tokenFile.")
  HostPort httpListen;

  @Override
  public Integer call() throws InterruptedException {
    GeorepConfig loaded = config.load();
    DaemonRunner runner =
        DaemonRunner.start(
            loaded, httpListen != null ? httpListen : HostPort.of(loaded.http()), config.file);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndHalt(runner), "georep-shutdown"));
    onHangUp(runner);
    runner.awaitStop();
    return ExitCodes.OK;
  }

  /**
   * SIGHUP reloads the configuration file, as {@code georep reload} does; the outcome or the reason
   * it was refused goes to the log. The JDK offers signals only through {@code sun.misc}.
   */
  private static void onHangUp(DaemonRunner runner) {
    try {
      sun.misc.SignalHandler previous =
          sun.misc.Signal.handle(
              new sun.misc.Signal("HUP"),
              signal ->
                  new Thread(
                          () -> {
                            try {
                              LOG.info("SIGHUP: reloaded: {}", runner.reload());
                            } catch (InvalidConfigException e) {
                              LOG.warn(
                                  "SIGHUP: the configuration has problems, nothing was changed: {}",
                                  String.join("; ", e.problems()));
                            } catch (RuntimeException e) {
                              LOG.warn("SIGHUP: reload refused or failed: {}", e.getMessage());
                            }
                          },
                          "georep-reload")
                      .start());
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // The JVM keeps a shutdown signal ignored that was ignored when it started (nohup).
        LOG.warn(
            "SIGHUP is ignored in this process (started under nohup?), so it does not reload the"
                + " configuration: use georep reload");
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot be handled here ({}): use georep reload", e.getMessage());
    }
  }

  /**
   * On SIGTERM or SIGINT the JVM runs this hook and would then exit with 128 + the signal number. A
   * drained daemon is a success, so the hook ends the process itself with 0 once everything is
   * closed; a daemon that could not drain every partition (a send failed while draining, the drain
   * timed out) exits with {@link ExitCodes#FAILURE} after naming them. ({@code System.exit} from
   * the main thread cannot: it blocks while hooks run.)
   */
  private static void stopAndHalt(DaemonRunner runner) {
    boolean drained = runner.stop();
    if (!drained) {
      System.err.println(
          "georep: stopped without draining every partition; what the targets did not confirm"
              + " goes again at the next start:");
      runner.undrained().forEach(p -> System.err.println("  " + p));
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(drained ? ExitCodes.OK : ExitCodes.FAILURE);
  }
}
