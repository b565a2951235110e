package io.georep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerRequestLogTest {

  @Test
  void namesAKindOfRequestWithoutItsTopicsOrNamespaces() {
    String line =
        "2026-12-03T16:45:48,367 INFO  [pulsar-web-48-5] RequestLog - 127.0.0.1 - - [03/Dec/2026:16:45:48"
            + " +0000] \"GET /admin/v2/persistent/bench/outage/catchup-partition-2/stats?getPreciseBacklog=false"
            + " HTTP/1.1\" 200 1177 \"-\" \"Pulsar-Java-v4.0.7\" 23";
    assertThat(BrokerRequestLog.kindOfLine(line)).isEqualTo("GET topic/stats");
    assertThat(BrokerRequestLog.kindOfLine("2026 INFO something else")).isNull();
    assertThat(BrokerRequestLog.kindOf("GET", "/admin/v2/persistent/t/ns"))
        .isEqualTo("GET namespace/topics");
    assertThat(BrokerRequestLog.kindOf("GET", "/admin/v2/persistent/t/ns/partitioned"))
        .isEqualTo("GET namespace/partitioned");
    assertThat(BrokerRequestLog.kindOf("GET", "/admin/v2/non-persistent/t/ns/0x00_0x40"))
        .isEqualTo("GET non-persistent namespace/bundle-topics");
    assertThat(
            BrokerRequestLog.kindOf("GET", "/admin/v2/persistent/t/ns/a-partition-1/internalStats"))
        .isEqualTo("GET topic/internalStats");
    assertThat(BrokerRequestLog.kindOf("GET", "/admin/v2/persistent/t/ns/a/partitioned-stats"))
        .isEqualTo("GET topic/partitioned-stats");
  }
}
