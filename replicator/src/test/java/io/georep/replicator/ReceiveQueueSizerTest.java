package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveQueueSizerTest {
  @Test
  void aboutAThousandMessagesWhateverTheBatching() {
    assertThat(ReceiveQueueSizer.sizeFor(0)).isEqualTo(1000);
    assertThat(ReceiveQueueSizer.sizeFor(1)).isEqualTo(1000);
    assertThat(ReceiveQueueSizer.sizeFor(10)).isEqualTo(100);
    assertThat(ReceiveQueueSizer.sizeFor(1000)).isEqualTo(1);
    assertThat(ReceiveQueueSizer.sizeFor(5000)).isEqualTo(1);
  }
}
