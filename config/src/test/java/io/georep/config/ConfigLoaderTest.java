package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void fullConfigParsesIntoRecords() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("west.token"), "west-token\n");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
    Path credentials = Files.writeString(dir.resolve("creds.json"), "{}");
    Path cert = Files.writeString(dir.resolve("client.pem"), "pem");
    Path key = Files.writeString(dir.resolve("client.key"), "key");
    String yaml =
        """
        clusters:
          east:
            serviceUrl: pulsar://east.example:6650
            adminUrl: http://east.example:8080
            auth: { token: "${EAST_TOKEN}" }
            tls: { trustCertsFile: %s, hostnameVerification: false, allowInsecureConnection: true }
          west:
            serviceUrl: pulsar+ssl://west.example:6651
            adminUrl: https://west.example:8443
            auth: { token: "file:%s" }
          north:
            serviceUrl: pulsar://north.example:6650
            adminUrl: http://north.example:8080
            auth:
              oauth2:
                issuerUrl: https://auth.example.com
                privateKey: file:%s
                audience: urn:sn:pulsar:north
                scope: replication
          south:
            serviceUrl: pulsar://south.example:6650
            adminUrl: http://south.example:8080
            auth: { tls: { certFile: %s, keyFile: %s } }
        state: { dir: /var/lib/georep }
        http: { listen: "0.0.0.0:9000" }
        links:
          - name: east-to-west
            source: east
            target: west
            scope: { namespaces: [sales/orders], include: ["orders-.*"], exclude: [".*-tmp"] }
            mapping: { namespaces: { "sales/orders": "sales/archive" }, topicPrefix: "east-", topicSuffix: "-r" }
            startAt: 2026-11-25T01:00:00+01:00
            deduplication: enable
            createTargetTopics: false
            metadataSync: continuous
            metadataSyncInterval: 5m
            forwarding: messages
            discoveryInterval: 500ms
            subscriptionSync: { interval: 1m }
            limits: { inFlightMessages: 100, inFlightBytes: 1GiB, partitionInFlightMessages: 50, partitionInFlightBytes: 1MiB, messagesPerSecond: 2000, bytesPerSecond: 10MiB }
          - name: north-to-south
            source: north
            target: south
            scope: { topics: [t/ns/a, "persistent://t/ns/b"] }
          - name: all-of-south
            source: south
            target: north
            scope: { cluster: true }
            startAt: latest
        """
            .formatted(ca, tokenFile, credentials, cert, key);

    GeorepConfig config = ConfigLoader.parse(yaml, "test.yaml", Map.of("EAST_TOKEN", "east-token"));

    assertThat(config.clusters()).containsOnlyKeys("east", "west", "north", "south");
    assertThat(config.clusters().keySet()).containsExactly("east", "west", "north", "south");
    ClusterConfig east = config.clusters().get("east");
    assertThat(east.serviceUrl()).isEqualTo("pulsar://east.example:6650");
    assertThat(east.adminUrl()).isEqualTo("http://east.example:8080");
    assertThat(((AuthConfig.Token) east.auth()).token().reveal()).isEqualTo("east-token");
    assertThat(east.tls()).isEqualTo(new TlsConfig(ca, false, true));
    ClusterConfig west = config.clusters().get("west");
    assertThat(((AuthConfig.Token) west.auth()).token().reveal()).isEqualTo("west-token");
    assertThat(west.tls()).isEqualTo(TlsConfig.defaults());
    assertThat(config.clusters().get("north").auth())
        .isEqualTo(
            new AuthConfig.OAuth2(
                "https://auth.example.com",
                "file:" + credentials,
                "urn:sn:pulsar:north",
                "replication"));
    assertThat(config.clusters().get("south").auth())
        .isEqualTo(new AuthConfig.TlsClientCert(cert, key));
    assertThat(config.state()).isEqualTo(new StateConfig(Path.of("/var/lib/georep")));
    assertThat(config.http()).isEqualTo(new HttpConfig("0.0.0.0", 9000));

    LinkConfig eastToWest = config.link("east-to-west").orElseThrow();
    assertThat(eastToWest.source()).isEqualTo("east");
    assertThat(eastToWest.target()).isEqualTo("west");
    assertThat(eastToWest.scope().wholeCluster()).isFalse();
    assertThat(eastToWest.scope().namespaces()).containsExactly("sales/orders");
    assertThat(eastToWest.scope().topics()).isEmpty();
    assertThat(eastToWest.scope().include()).map(Pattern::pattern).containsExactly("orders-.*");
    assertThat(eastToWest.scope().exclude()).map(Pattern::pattern).containsExactly(".*-tmp");
    assertThat(eastToWest.mapping())
        .isEqualTo(new MappingConfig(Map.of("sales/orders", "sales/archive"), "east-", "-r"));
    assertThat(eastToWest.startAt())
        .isEqualTo(new StartPosition.AtTimestamp(Instant.parse("2026-11-25T00:00:00Z")));
    assertThat(eastToWest.options())
        .isEqualTo(
            new LinkOptions(
                Duration.ofMillis(500),
                100,
                1L << 30,
                50,
                1L << 20,
                2000,
                10L << 20,
                true,
                false,
                MetadataSyncMode.CONTINUOUS,
                Duration.ofMinutes(1),
                true,
                Duration.ofMinutes(5),
                Forwarding.MESSAGES));

    LinkConfig northToSouth = config.link("north-to-south").orElseThrow();
    assertThat(northToSouth.scope().topics())
        .containsExactly("persistent://t/ns/a", "persistent://t/ns/b");
    assertThat(config.link("all-of-south").orElseThrow().scope().wholeCluster()).isTrue();
    assertThat(config.link("all-of-south").orElseThrow().startAt())
        .isEqualTo(new StartPosition.Latest());
    assertThat(config.links())
        .map(LinkConfig::name)
        .containsExactly("east-to-west", "north-to-south", "all-of-south");
    assertThat(config.link("nope")).isEmpty();
  }

  @Test
  void defaultsApplyWhereTheFileSaysNothing() throws Exception {
    String yaml =
        """
        clusters:
          a: { serviceUrl: "pulsar://a:6650", adminUrl: "http://a:8080" }
          b: { serviceUrl: "pulsar://b:6650", adminUrl: "http://b:8080" }
        links:
          - { name: a-to-b, source: a, target: b, scope: { cluster: true } }
        """;

    GeorepConfig config = ConfigLoader.parse(yaml, "test.yaml", Map.of());

    ClusterConfig a = config.clusters().get("a");
    assertThat(a.auth()).isEqualTo(new AuthConfig.None());
    assertThat(a.tls()).isEqualTo(new TlsConfig(null, true, false));
    assertThat(config.state()).isEqualTo(new StateConfig(Path.of("./georep-state")));
    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 9464));
    assertThat(config.limits().receiveQueueBytes()).isEqualTo(8L * 1024 * 1024);
    LinkConfig link = config.links().get(0);
    assertThat(link.mapping()).isEqualTo(new MappingConfig(Map.of(), "", ""));
    assertThat(link.startAt()).isEqualTo(new StartPosition.Earliest());
    assertThat(link.scope().include()).isEmpty();
    assertThat(link.scope().exclude()).isEmpty();
    LinkOptions options = link.options();
    assertThat(options).isEqualTo(LinkOptions.defaults());
    assertThat(options.discoveryInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.inFlightMessages()).isEqualTo(32000);
    assertThat(options.inFlightBytes()).isEqualTo(12L * 1024 * 1024);
    assertThat(options.partitionInFlightMessages()).isEqualTo(16000);
    assertThat(options.partitionInFlightBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(options.messagesPerSecond()).isZero();
    assertThat(options.bytesPerSecond()).isZero();
    assertThat(options.enableTargetDeduplication()).isFalse();
    assertThat(options.createTargetTopics()).isTrue();
    assertThat(options.metadataSync()).isEqualTo(MetadataSyncMode.OFF);
    assertThat(options.subscriptionSyncInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.subscriptionSync()).as("off unless the link has a section").isFalse();
    assertThat(options.metadataSyncInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.forwarding()).isEqualTo(Forwarding.ENTRIES);
  }

  @Test
  void loadReadsAFile() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("georep.yaml"),
            """
            clusters:
              a: { serviceUrl: "pulsar://a:6650", adminUrl: "http://a:8080" }
              b: { serviceUrl: "pulsar://b:6650", adminUrl: "http://b:8080" }
            http: { listen: "[::1]:0" }
            links: [ { name: l, source: a, target: b, scope: { namespaces: [t/ns] } } ]
            """);

    GeorepConfig config = ConfigLoader.load(file);

    assertThat(config.http()).isEqualTo(new HttpConfig("::1", 0));
    assertThat(config.links()).map(LinkConfig::name).containsExactly("l");
  }

  @Test
  void readsTheTokenFileAndTlsOfTheHttpEndpoint() throws Exception {
    Path tokens = Files.writeString(dir.resolve("georep.tokens"), "secret\n");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "");
    Path key = Files.writeString(dir.resolve("key.pem"), "");
    GeorepConfig config =
        ConfigLoader.parse(
            """
            clusters:
              a: { serviceUrl: "pulsar://a:6650", adminUrl: "http://a:8080" }
              b: { serviceUrl: "pulsar://b:6650", adminUrl: "http://b:8080" }
            http:
              listen: 0.0.0.0:9443
              tokenFile: %s
              tls: { certFile: %s, keyFile: %s }
            links: [ { name: l, source: a, target: b, scope: { namespaces: [t/ns] } } ]
            """
                .formatted(tokens, cert, key),
            "test.yaml",
            Map.of());

    assertThat(config.http())
        .isEqualTo(new HttpConfig("0.0.0.0", 9443, tokens, new HttpTlsConfig(cert, key)));
  }

  @Test
  void loadReportsAMissingFile() {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems())
                  .containsExactly(
                      new ConfigProblem("", 0, "cannot read " + missing + ": no such file"));
              assertThat(e.sourceName()).isEqualTo(missing.toString());
            });
  }

  @Test
  void recordsAreImmutable() throws Exception {
    GeorepConfig config =
        ConfigLoader.parse(
            """
            clusters:
              a: { serviceUrl: "pulsar://a:6650", adminUrl: "http://a:8080" }
              b: { serviceUrl: "pulsar://b:6650", adminUrl: "http://b:8080" }
            links: [ { name: l, source: a, target: b, scope: { namespaces: [t/ns] } } ]
            """,
            "test.yaml",
            Map.of());

    assertThatThrownBy(() -> config.clusters().remove("a"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> config.links().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    List<String> namespaces = config.links().get(0).scope().namespaces();
    assertThatThrownBy(() -> namespaces.add("x/y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
