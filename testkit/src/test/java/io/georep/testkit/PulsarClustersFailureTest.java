package io.georep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A broker that cannot start: the error shows its log, and the other cluster is closed. */
class PulsarClustersFailureTest {

  @Test
  void failedStartShowsTheLogAndClosesTheOthers() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    PulsarClusterSpec good = PulsarClusterSpec.builder("good-" + suffix).build();
    PulsarClusterSpec broken =
        PulsarClusterSpec.builder("broken-" + suffix)
            .brokerSetting("webServicePort", "not-a-port")
            .build();

    PulsarClusterException e =
        catchThrowableOfType(
            PulsarClusterException.class, () -> PulsarClusters.start(good, broken));

    assertThat(e.getMessage())
        .contains("cluster broken-" + suffix)
        .contains("exited with code")
        .contains("broker.log")
        .contains("not-a-port");
    List<Path> left = dataDirs(suffix);
    assertThat(left)
        .as("the failed cluster keeps its data directory for its log; the good one is gone")
        .singleElement()
        .satisfies(dir -> assertThat(dir.getFileName().toString()).startsWith("broken-"));
    DataDirs.delete(left.get(0));
  }

  private static List<Path> dataDirs(String suffix) throws Exception {
    try (Stream<Path> dirs = Files.list(DataDirs.root())) {
      return dirs.filter(d -> d.getFileName().toString().contains("-" + suffix + "-")).toList();
    }
  }
}
