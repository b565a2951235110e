package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerNamesTest {

  @Test
  void namesThatJoinedWithDashesCollidedAreDistinct() {
    // Before: both were georep-a-b-c-t/ns/x.
    String linkWithDash = ProducerNames.of("a-b", "c", "persistent://t/ns/x");
    String clusterWithDash = ProducerNames.of("a", "b-c", "persistent://t/ns/x");

    assertThat(linkWithDash).isNotEqualTo(clusterWithDash);
    assertThat(linkWithDash).isEqualTo("georep-a-b~c~t%2Fns%2Fx");
    assertThat(clusterWithDash).isEqualTo("georep-a~b-c~t%2Fns%2Fx");
  }

  @Test
  void aTildeInsideAPartCannotImitateTheSeparator() {
    assertThat(ProducerNames.of("a~b", "c", "persistent://t/ns/x"))
        .isNotEqualTo(ProducerNames.of("a", "b~c", "persistent://t/ns/x"))
        .startsWith(ProducerNames.PREFIX);
  }

  @Test
  void theNameIsStableAndIgnoresTheTopicDomain() {
    assertThat(ProducerNames.of("l", "east", "persistent://t/ns/x-partition-3"))
        .isEqualTo(ProducerNames.of("l", "east", "persistent://t/ns/x-partition-3"))
        .endsWith("t%2Fns%2Fx-partition-3");
  }
}
