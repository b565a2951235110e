package io.georep.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.georep.config.ConfigLoader;
import io.georep.config.GeorepConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DaemonRunnerTest {
  @TempDir Path dir;

  @Test
  void warnsAtStartOfATokenOverPlaintextNamingClusterAndField() throws Exception {
    // A state directory that is a file: the start fails right after the warnings, no broker needed.
    Path state = Files.writeString(dir.resolve("state"), "not a directory");
    GeorepConfig config =
        ConfigLoader.parse(
            """
            clusters:
              east: { serviceUrl: "pulsar://127.0.0.1:1", adminUrl: "https://127.0.0.1:1",
                      auth: { token: s3cr3t-token } }
              west: { serviceUrl: "pulsar://127.0.0.1:1", adminUrl: "http://127.0.0.1:1" }
            state: { dir: %s }
            links:
              - { name: a, source: east, target: west, scope: { cluster: true } }
            """
                .formatted(state),
            "t.yaml",
            Map.of());
    Logger logger = (Logger) LoggerFactory.getLogger(DaemonRunner.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      assertThatThrownBy(() -> DaemonRunner.start(config, new HostPort("127.0.0.1", 0)))
          .isInstanceOf(OperationFailedException.class);
    } finally {
      logger.detachAppender(logged);
    }

    assertThat(logged.list)
        .filteredOn(event -> event.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "configuration: clusters.east.serviceUrl: the token travels in plaintext over"
                + " pulsar://; use pulsar+ssl:// (TLS)");
  }
}
