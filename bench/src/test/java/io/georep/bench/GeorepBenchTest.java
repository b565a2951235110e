package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.config.ConfigLoader;
import io.georep.config.Forwarding;
import io.georep.config.GeorepConfig;
import io.georep.config.StartPosition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeorepBenchTest {

  @Test
  void everyContenderTakesEveryPlaceOverTheRepetitions() {
    List<String> c = List.of("georep", "built-in", "pipe");
    assertThat(GeorepBench.rotated(c, 0)).containsExactly("georep", "built-in", "pipe");
    assertThat(GeorepBench.rotated(c, 1)).containsExactly("built-in", "pipe", "georep");
    assertThat(GeorepBench.rotated(c, 2)).containsExactly("pipe", "georep", "built-in");
    assertThat(GeorepBench.rotated(c, 3)).containsExactly("georep", "built-in", "pipe");
  }

  @Test
  void theDaemonConfigIsOneLinkFromTheTrialNamespaceAtEarliest() throws Exception {
    TrialSpace space = new TrialSpace("t", "bench/t", 8, Path.of("/tmp/trial"));
    String yaml =
        Replication.GeorepDaemon.config(
            space,
            new Replication.Endpoints("pulsar://127.0.0.1:6650", "http://127.0.0.1:8080"),
            new Replication.Endpoints("pulsar://127.0.0.1:6651", "http://127.0.0.1:8081"),
            Forwarding.ENTRIES);
    GeorepConfig config = ConfigLoader.parse(yaml, "bench", Map.of());
    assertThat(config.links()).hasSize(1);
    assertThat(config.links().get(0).source()).isEqualTo("east");
    assertThat(config.links().get(0).target()).isEqualTo("west");
    assertThat(config.links().get(0).startAt()).isInstanceOf(StartPosition.Earliest.class);
    assertThat(config.state().dir()).isEqualTo(Path.of("/tmp/trial/state"));
  }

  @Test
  void theMemoryScenarioCanForwardMessages() throws Exception {
    TrialSpace space = new TrialSpace("t", "bench/t", 8, Path.of("/tmp/trial"));
    Replication.Endpoints east =
        new Replication.Endpoints("pulsar://127.0.0.1:6650", "http://127.0.0.1:8080");
    Replication.Endpoints west =
        new Replication.Endpoints("pulsar://127.0.0.1:6651", "http://127.0.0.1:8081");
    for (Forwarding mode : Forwarding.values()) {
      String yaml = Replication.GeorepDaemon.config(space, east, west, mode);
      assertThat(ConfigLoader.parse(yaml, "bench", Map.of()).links().get(0).options().forwarding())
          .isEqualTo(mode);
    }
    assertThat(GeorepBench.forwarding("messages")).isEqualTo(Forwarding.MESSAGES);
    assertThat(GeorepBench.forwarding(" Entries ")).isEqualTo(Forwarding.ENTRIES);
    assertThatThrownBy(() -> GeorepBench.forwarding("bytes"))
        .hasMessageContaining("entries and messages");
    GeorepBench bench = new GeorepBench();
    new picocli.CommandLine(bench).parseArgs("--memory-forwarding", "messages,entries");
    assertThat(bench.memoryForwarding).containsExactly("messages", "entries");
  }

  @Test
  void theTrialTopicsLiveInItsNamespace() {
    TrialSpace space = new TrialSpace("t", "bench/t", 0, Path.of("/tmp"));
    assertThat(space.topics())
        .containsExactly(
            "persistent://bench/t/catchup",
            "persistent://bench/t/latency",
            "persistent://bench/t/stream");
  }

  @Test
  void workloadsAndContendersByName() {
    assertThat(Workload.byId("100b-8").partitions()).isEqualTo(8);
    assertThat(Workload.byId("100b-8").kilobyte()).isFalse();
    assertThat(Contender.byLabel("built-in")).isEqualTo(Contender.BUILT_IN);
    assertThatThrownBy(() -> Workload.byId("2kb")).hasMessageContaining("1kb-1");
    assertThatThrownBy(() -> Contender.byLabel("mirror")).hasMessageContaining("georep-no-state");
  }

  @Test
  void javaOptionsAreSplitOnWhitespace() {
    assertThat(GeorepBench.javaOptions(null)).isEmpty();
    assertThat(GeorepBench.javaOptions("  -Xmx256m   -XX:+UseSerialGC "))
        .containsExactly("-Xmx256m", "-XX:+UseSerialGC");
  }

  @Test
  void forwardedMessagesAreSummedOverLinks() {
    String status =
        "{\"links\":[{\"name\":\"a\",\"messagesForwarded\":10},{\"name\":\"b\",\"messagesForwarded\":5}]}";
    assertThat(MemoryScale.forwarded(status)).isEqualTo(15);
    assertThat(MemoryScale.forwarded("")).isZero();
  }
}
