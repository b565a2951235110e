package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWarningsTest {
  @TempDir Path dir;

  private static final String LINKS =
      """
      links:
        - { name: a, source: plain, target: tls, scope: { cluster: true } }
      """;

  @Test
  void credentialsOverPlaintextUrlsAreNamedByClusterAndField() throws Exception {
    Path credentials = Files.writeString(dir.resolve("creds.json"), "{}");
    String yaml =
        """
        clusters:
          plain:
            serviceUrl: pulsar://plain:6650
            adminUrl: http://plain:8080
            auth: { token: s3cr3t-token }
          tls:
            serviceUrl: pulsar+ssl://tls:6651
            adminUrl: https://tls:8443
            auth: { token: s3cr3t-token }
          oauth:
            serviceUrl: pulsar+ssl://oauth:6651
            adminUrl: http://oauth:8080
            auth:
              oauth2: { issuerUrl: "http://issuer", privateKey: "%s", audience: a }
          anonymous: { serviceUrl: "pulsar://anon:6650", adminUrl: "http://anon:8080" }
        """
                .formatted(credentials)
            + LINKS;

    assertThat(ConfigWarnings.of(ConfigLoader.parse(yaml, "t.yaml", Map.of())))
        .map(ConfigProblem::toString)
        .containsExactly(
            "clusters.plain.serviceUrl: the token travels in plaintext over pulsar://; use"
                + " pulsar+ssl:// (TLS)",
            "clusters.plain.adminUrl: the token travels in plaintext over http://; use https://",
            "clusters.oauth.auth.oauth2.issuerUrl: the OAuth2 client credentials travel in"
                + " plaintext over http:// to the issuer; use https://",
            "clusters.oauth.adminUrl: the OAuth2 access token travels in plaintext over http://;"
                + " use https://")
        .allSatisfy(warning -> assertThat(warning).doesNotContain("s3cr3t"));
  }

  @Test
  void anEndpointBeyondLoopbackWithoutATokenFileIsNamed() throws Exception {
    String clusters =
        """
        clusters:
          plain: { serviceUrl: "pulsar+ssl://p:6651", adminUrl: "https://p:8443" }
          tls: { serviceUrl: "pulsar+ssl://t:6651", adminUrl: "https://t:8443" }
        """;
    Path tokens = Files.writeString(dir.resolve("tokens"), "t0ken\n");

    assertThat(
            ConfigWarnings.of(
                ConfigLoader.parse(
                    clusters + "http: { listen: 0.0.0.0:9464 }\n" + LINKS, "t.yaml", Map.of())))
        .map(ConfigProblem::toString)
        .containsExactly(
            "http.listen: listens on 0.0.0.0 without http.tokenFile: georep run refuses to start"
                + " so, since anyone who reaches the endpoint could pause or fence links; set"
                + " http.tokenFile or listen on 127.0.0.1");
    assertThat(
            ConfigWarnings.of(
                ConfigLoader.parse(
                    clusters
                        + "http: { listen: 0.0.0.0:9464, tokenFile: "
                        + tokens
                        + " }\n"
                        + LINKS,
                    "t.yaml",
                    Map.of())))
        .isEmpty();
    assertThat(
            ConfigWarnings.of(
                ConfigLoader.parse(
                    clusters + "http: { listen: 127.0.0.1:9464 }\n" + LINKS, "t.yaml", Map.of())))
        .isEmpty();
  }
}
