package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The annotated example in docs/ stays a valid configuration. */
class ExampleConfigTest {
  private static final Path EXAMPLE = Path.of("../docs/georep.example.yaml");

  @Test
  void exampleConfigIsValid() throws Exception {
    GeorepConfig config =
        ConfigLoader.parse(
            Files.readString(EXAMPLE),
            EXAMPLE.toString(),
            Map.of("EAST_TOKEN", "east-secret", "WEST_TOKEN", "west-secret"));

    assertThat(config.clusters().keySet()).containsExactly("east", "west");
    assertThat(((AuthConfig.Token) config.clusters().get("east").auth()).token().reveal())
        .isEqualTo("east-secret");
    assertThat(config.clusters().get("west").serviceUrl())
        .isEqualTo("pulsar+ssl://west.example:6651");
    assertThat(config.state().dir()).isEqualTo(Path.of("/var/lib/georep"));
    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 9464));
    assertThat(config.limits().receiveQueueBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.links())
        .map(LinkConfig::name)
        .containsExactly("east-to-west", "west-to-east");
    LinkConfig eastToWest = config.link("east-to-west").orElseThrow();
    assertThat(eastToWest.options().enableTargetDeduplication()).isTrue();
    assertThat(eastToWest.options().metadataSync()).isEqualTo(MetadataSyncMode.CONTINUOUS);
    assertThat(eastToWest.options().metadataSyncInterval())
        .isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(eastToWest.options().inFlightBytes()).isEqualTo(12L * 1024 * 1024);
    assertThat(eastToWest.mapping().mapTopic("persistent://sales/orders/orders-eu-partition-2"))
        .isEqualTo("persistent://sales/orders-replica/orders-eu-partition-2");
    assertThat(eastToWest.scope().includes("persistent://sales/orders/orders-eu")).isTrue();
    assertThat(eastToWest.scope().includes("persistent://sales/orders/orders-eu-tmp")).isFalse();
    assertThat(config.link("west-to-east").orElseThrow().startAt())
        .isEqualTo(new StartPosition.Latest());
  }
}
