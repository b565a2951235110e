package io.georep.state;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourcePartitionTest {

  @Test
  void linkAndTopicMustBeNonEmptyWithoutNul() {
    assertThatThrownBy(() -> new SourcePartition("", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("link name");
    assertThatThrownBy(() -> new SourcePartition("a\0b", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no NUL");
    assertThatThrownBy(() -> new SourcePartition("a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic of link 'a'");
    // a NUL would let the keys of topic "t" reach into those of topic "t\0x"
    assertThatThrownBy(() -> new SourcePartition("a", "t\0x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no NUL");
  }
}
