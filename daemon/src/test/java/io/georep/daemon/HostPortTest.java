package io.georep.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void parsesHostAndPort() {
    assertThat(HostPort.parse("0.0.0.0:9464")).isEqualTo(new HostPort("0.0.0.0", 9464));
    assertThat(HostPort.parse("localhost:0")).isEqualTo(new HostPort("localhost", 0));
    assertThat(HostPort.parse("[::1]:9464")).isEqualTo(new HostPort("::1", 9464));
    assertThat(new HostPort("::1", 9464)).hasToString("[::1]:9464");
  }

  @Test
  void refusesWhatIsNotHostAndPort() {
    assertThatThrownBy(() -> HostPort.parse("9464")).hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> HostPort.parse(":9464")).hasMessageContaining("has no host");
    assertThatThrownBy(() -> HostPort.parse("::1:9464")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("h:http")).hasMessageContaining("no valid port");
    assertThatThrownBy(() -> HostPort.parse("h:70000")).hasMessageContaining("between 0 and 65535");
  }
}
