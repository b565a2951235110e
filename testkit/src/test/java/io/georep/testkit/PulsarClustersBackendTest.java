package io.georep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.testkit.PulsarClusters.Backend;
import org.junit.jupiter.api.Test;

/**
 * The backend is the child JVM unless Docker is asked for by name; Docker refuses what it lacks.
 */
class PulsarClustersBackendTest {

  @Test
  void childJvmIsTheDefaultWhateverDockerDoes() {
    assertThat(PulsarClusters.backend(null, null)).isEqualTo(Backend.CHILD_JVM);
  }

  @Test
  void dockerOnlyWhenNamed() {
    assertThat(PulsarClusters.backend("docker", null)).isEqualTo(Backend.TESTCONTAINERS);
    assertThat(PulsarClusters.backend(null, " Docker ")).isEqualTo(Backend.TESTCONTAINERS);
    assertThat(PulsarClusters.backend("jvm", null)).isEqualTo(Backend.CHILD_JVM);
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    assertThat(PulsarClusters.backend("jvm", "docker")).isEqualTo(Backend.CHILD_JVM);
    assertThat(PulsarClusters.backend("docker", "jvm")).isEqualTo(Backend.TESTCONTAINERS);
  }

  @Test
  void autoIsNoLongerAChoice() {
    assertThatThrownBy(() -> PulsarClusters.backend("auto", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("georep.testkit.backend must be jvm (the default) or docker, found 'auto'");
    assertThatThrownBy(() -> PulsarClusters.backend(null, "auto"))
        .hasMessageStartingWith("GEOREP_TESTKIT_BACKEND must be jvm");
  }

  @Test
  void dockerBackendRefusesTlsNamingTheSettingToChange() {
    PulsarClusterSpec tls = PulsarClusterSpec.builder("secure").tls(true).build();

    assertThatThrownBy(() -> ContainerPulsarCluster.create(tls))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(
            "TLS (cluster secure) is not supported by the docker backend, chosen by"
                + " georep.testkit.backend or GEOREP_TESTKIT_BACKEND; set it to jvm (or unset it:"
                + " jvm is the default)");
  }

  @Test
  void dockerBackendRefusesRestartNamingTheSettingToChange() {
    assertThat(ContainerPulsarCluster.unsupported("restart (cluster east)"))
        .hasMessageStartingWith("restart (cluster east) is not supported by the docker backend")
        .hasMessageContaining("georep.testkit.backend or GEOREP_TESTKIT_BACKEND; set it to jvm");
  }
}
