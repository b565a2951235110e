package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadsTest {

  @Test
  void carriesSequenceAndSendInstantInTheGivenSize() {
    byte[] payload = Payloads.create(100, 123_456_789L, -42L);
    assertThat(payload).hasSize(100);
    assertThat(Payloads.sequence(payload)).isEqualTo(123_456_789L);
    assertThat(Payloads.sentNanos(payload)).isEqualTo(-42L);
  }

  @Test
  void refusesASizeThatCannotHoldTheHeader() {
    assertThatThrownBy(() -> Payloads.create(15, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16");
  }
}
