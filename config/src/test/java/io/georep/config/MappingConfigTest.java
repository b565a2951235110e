package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingConfigTest {

  @Test
  void identityKeepsNames() {
    MappingConfig mapping = MappingConfig.identity();

    assertThat(mapping.mapTopic("persistent://t/ns/orders")).isEqualTo("persistent://t/ns/orders");
    assertThat(mapping.mapTopic("t/ns/orders")).isEqualTo("persistent://t/ns/orders");
    assertThat(mapping.mapTopic("persistent://t/ns/orders-partition-7"))
        .isEqualTo("persistent://t/ns/orders-partition-7");
  }

  @Test
  void mapsListedNamespacesOnly() {
    MappingConfig mapping =
        new MappingConfig(
            Map.of("sales/eu", "archive/sales-eu", "sales/us", "archive/sales-eu"), "", "");

    assertThat(mapping.mapTopic("persistent://sales/eu/orders"))
        .isEqualTo("persistent://archive/sales-eu/orders");
    assertThat(mapping.mapTopic("persistent://sales/us/orders"))
        .isEqualTo("persistent://archive/sales-eu/orders");
    assertThat(mapping.mapTopic("persistent://sales/asia/orders"))
        .isEqualTo("persistent://sales/asia/orders");
    assertThat(mapping.mapNamespace("sales/eu")).isEqualTo("archive/sales-eu");
    assertThat(mapping.mapNamespace("sales/asia")).isEqualTo("sales/asia");
  }

  @Test
  void addsPrefixAndSuffix() {
    MappingConfig mapping = new MappingConfig(Map.of(), "east.", ".copy");

    assertThat(mapping.mapTopic("persistent://t/ns/orders"))
        .isEqualTo("persistent://t/ns/east.orders.copy");
  }

  @Test
  void partitionSuffixStaysAtTheEnd() {
    MappingConfig mapping = new MappingConfig(Map.of("t/ns", "t/other"), "p-", "-s");

    assertThat(mapping.mapTopic("persistent://t/ns/orders-partition-12"))
        .isEqualTo("persistent://t/other/p-orders-s-partition-12");
    assertThat(mapping.mapTopic("persistent://t/ns/orders-partition-x"))
        .isEqualTo("persistent://t/other/p-orders-partition-x-s");
  }
}
