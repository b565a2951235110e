package io.georep.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

  @Test
  void encodesAndParsesEveryField() {
    String value =
        Provenance.encode("east", 123, 45, 6, 1732567890123L, "persistent://t/ns/o-partition-0");
    assertThat(value).isEqualTo("east|123:45:6|1732567890123|persistent://t/ns/o-partition-0");
    assertThat(Provenance.parse(value))
        .contains(
            new Provenance("east", 123, 45, 6, 1732567890123L, "persistent://t/ns/o-partition-0"));
    assertThat(Provenance.parse(value).orElseThrow().sourceId()).isEqualTo("123:45:6");
  }

  @Test
  void aTopicMayHoldTheSeparator() {
    Provenance p = new Provenance("east", 1, 2, -1, 3, "persistent://t/ns/a|b");
    assertThat(Provenance.parse(p.encode())).contains(p);
  }

  @Test
  void valuesGeorepDidNotWriteParseToNothing() {
    assertThat(Provenance.parse(null)).isEmpty();
    assertThat(Provenance.parse("east")).isEmpty();
    assertThat(Provenance.parse("east|1:2|3|t")).isEmpty();
    assertThat(Provenance.parse("east|1:x:0|3|t")).isEmpty();
    assertThat(Provenance.of(Map.of("other", "v"))).isEmpty();
  }

  @Test
  void theOriginIsTheFirstHopsSourceUnlessNamed() {
    String firstHop = Provenance.encode("east", 1, 2, 0, 3, "t");
    assertThat(Provenance.originOf(Map.of())).isNull();
    assertThat(Provenance.originOf(Map.of(Provenance.SOURCE, firstHop))).isEqualTo("east");
    String secondHop = Provenance.encode("west", 7, 8, 0, 9, "t");
    assertThat(Provenance.originOf(Map.of(Provenance.SOURCE, secondHop, Provenance.ORIGIN, "east")))
        .isEqualTo("east");
  }
}
