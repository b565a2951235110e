package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

  @Test
  void theCommandLineOverridesOnlyWhatItNames() {
    BenchSettings full = BenchSettings.full();
    assertThat(full.with(null, null, null, null, null)).isEqualTo(full);
    BenchSettings changed = full.with(5, 1000L, Duration.ofSeconds(2), Duration.ofSeconds(7), 0);
    assertThat(changed.repetitions()).isEqualTo(5);
    assertThat(changed.catchUpMessages(Workload.byId("1kb-1"))).isEqualTo(1000);
    assertThat(changed.catchUpMessages(Workload.byId("100b-1"))).isEqualTo(1000);
    assertThat(changed.warmup()).isEqualTo(Duration.ofSeconds(2));
    assertThat(changed.latency()).isEqualTo(Duration.ofSeconds(7));
    assertThat(changed.streaming()).isEqualTo(Duration.ofSeconds(7));
    assertThat(changed.calibration()).isEqualTo(Duration.ofSeconds(7));
    assertThat(changed.memoryPartitions()).isZero();
    assertThat(changed.catchUpTimeout()).isEqualTo(full.catchUpTimeout());
  }

  @Test
  void quickIsOneShortRepetitionWithoutTheMemoryScenario() {
    BenchSettings quick = BenchSettings.quick();
    assertThat(quick.repetitions()).isEqualTo(1);
    assertThat(quick.memoryPartitions()).isZero();
    assertThat(quick.catchUpMessages(Workload.byId("100b-8")))
        .isLessThan(BenchSettings.full().catchUpMessages(Workload.byId("100b-8")));
  }
}
