package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets come from the file, the environment or a file, and never reach a message. */
class SecretsTest {
  private static final String LINKS =
      """
      links:
        - { name: a, source: east, target: west, scope: { cluster: true } }
      """;

  @TempDir Path dir;

  private static String withEastAuth(String auth) {
    return """
        clusters:
          east:
            serviceUrl: pulsar://east:6650
            adminUrl: http://east:8080
            auth: %s
          west: { serviceUrl: "pulsar://west:6650", adminUrl: "http://west:8080" }
        """
            .formatted(auth)
        + LINKS;
  }

  private static AuthConfig eastAuth(String auth, Map<String, String> environment)
      throws ConfigException {
    return ConfigLoader.parse(withEastAuth(auth), "test.yaml", environment)
        .clusters()
        .get("east")
        .auth();
  }

  private static String token(AuthConfig auth) {
    return ((AuthConfig.Token) auth).token().reveal();
  }

  @Test
  void tokenFromTheEnvironment() throws Exception {
    assertThat(token(eastAuth("{ token: \"${EAST_TOKEN}\" }", Map.of("EAST_TOKEN", "t0k3n"))))
        .isEqualTo("t0k3n");
  }

  @Test
  void tokenAsWritten() throws Exception {
    assertThat(token(eastAuth("{ token: literal-token }", Map.of()))).isEqualTo("literal-token");
  }

  @Test
  void tokenFromAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("east.token"), "file-token\n");

    assertThat(token(eastAuth("{ token: \"file:" + file + "\" }", Map.of())))
        .isEqualTo("file-token");
    assertThat(token(eastAuth("{ token: \"file://" + file + "\" }", Map.of())))
        .isEqualTo("file-token");
  }

  @Test
  void fileReferenceFromTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("east.token"), "file-token");

    assertThat(
            token(eastAuth("{ token: \"${EAST_TOKEN}\" }", Map.of("EAST_TOKEN", "file:" + file))))
        .isEqualTo("file-token");
  }

  @Test
  void environmentDefaults() throws Exception {
    assertThat(token(eastAuth("{ token: \"${EAST_TOKEN:-fallback}\" }", Map.of())))
        .isEqualTo("fallback");
    assertThat(token(eastAuth("{ token: \"${EAST_TOKEN:-fallback}\" }", Map.of("EAST_TOKEN", ""))))
        .isEqualTo("fallback");
    assertThat(token(eastAuth("{ token: \"${EAST_TOKEN:-fallback}\" }", Map.of("EAST_TOKEN", "x"))))
        .isEqualTo("x");
  }

  @Test
  void environmentReferencesWorkInAnyValue() throws Exception {
    String yaml =
        """
        clusters:
          east: { serviceUrl: "pulsar://${EAST_HOST}:6650", adminUrl: "http://${EAST_HOST}:8080" }
          west: { serviceUrl: "pulsar://west:6650", adminUrl: "http://west:8080" }
        links:
          - { name: "${LINK}", source: east, target: west, scope: { cluster: true } }
        """;

    GeorepConfig config =
        ConfigLoader.parse(yaml, "test.yaml", Map.of("EAST_HOST", "10.0.0.1", "LINK", "l1"));

    assertThat(config.clusters().get("east").serviceUrl()).isEqualTo("pulsar://10.0.0.1:6650");
    assertThat(config.links().get(0).name()).isEqualTo("l1");
  }

  @Test
  void unsetVariableAndBadReferences() {
    assertThat(problems(withEastAuth("{ token: \"${EAST_TOKEN}\" }"), Map.of()))
        .containsExactly(
            "clusters.east.auth.token (line 5): environment variable EAST_TOKEN is not set");
    assertThat(problems(withEastAuth("{ token: \"${EAST TOKEN}-${X\" }"), Map.of()))
        .containsExactly(
            "clusters.east.auth.token (line 5): '${' without a closing '}'",
            "clusters.east.auth.token (line 5): 'EAST TOKEN' is not an environment variable"
                + " name; write ${NAME} or ${NAME:-default}");
  }

  @Test
  void unreadableTokenFileSaysWhichFileAndWhy() throws Exception {
    Path missing = dir.resolve("missing.token");
    Path empty = Files.writeString(dir.resolve("empty.token"), " \n");

    assertThat(problems(withEastAuth("{ token: \"file:" + missing + "\" }"), Map.of()))
        .containsExactly(
            "clusters.east.auth.token (line 5): cannot read " + missing + ": no such file");
    assertThat(problems(withEastAuth("{ token: \"file:" + dir + "\" }"), Map.of()))
        .containsExactly(
            "clusters.east.auth.token (line 5): cannot read " + dir + ": Is a directory");
    assertThat(problems(withEastAuth("{ token: \"file:" + empty + "\" }"), Map.of()))
        .containsExactly("clusters.east.auth.token (line 5): the file " + empty + " is empty");
    assertThat(problems(withEastAuth("{ token: \"file://host/x\" }"), Map.of()))
        .containsExactly(
            "clusters.east.auth.token (line 5): invalid file reference: only local files:"
                + " write file:/path or file:///path");
  }

  @Test
  void oauth2PrivateKeyIsCheckedButNotRead() throws Exception {
    Path credentials = Files.writeString(dir.resolve("creds.json"), "not even json");
    String oauth2 =
        "{ oauth2: { issuerUrl: \"https://auth.example.com\", privateKey: \"%s\","
            + " audience: \"urn:x\" } }";

    assertThat(eastAuth(oauth2.formatted("file:" + credentials), Map.of()))
        .isEqualTo(
            new AuthConfig.OAuth2(
                "https://auth.example.com", "file:" + credentials, "urn:x", null));
    assertThat(eastAuth(oauth2.formatted(credentials), Map.of()))
        .isEqualTo(
            new AuthConfig.OAuth2(
                "https://auth.example.com", credentials.toUri().toString(), "urn:x", null));
    AuthConfig data = eastAuth(oauth2.formatted("data:application/json;base64,c2VjcmV0"), Map.of());
    assertThat(((AuthConfig.OAuth2) data).privateKeyUrl())
        .isEqualTo("data:application/json;base64,c2VjcmV0");
    assertThat(data.toString()).doesNotContain("c2VjcmV0");

    Path missing = dir.resolve("missing.json");
    assertThat(problems(withEastAuth(oauth2.formatted("file:" + missing)), Map.of()))
        .containsExactly(
            "clusters.east.auth.oauth2.privateKey (line 5): cannot read "
                + missing
                + ": no such file");
    assertThat(problems(withEastAuth(oauth2.formatted("https://idp/key")), Map.of()))
        .containsExactly(
            "clusters.east.auth.oauth2.privateKey (line 5): must be a file: URL, a data: URL or"
                + " the path of the credentials JSON");
  }

  @Test
  void tlsClientCertFilesMustBeReadable() throws Exception {
    Path cert = Files.writeString(dir.resolve("client.pem"), "pem");
    Path missingKey = dir.resolve("client.key");

    assertThat(
            problems(
                withEastAuth(
                    "{ tls: { certFile: \"" + cert + "\", keyFile: \"" + missingKey + "\" } }"),
                Map.of()))
        .containsExactly(
            "clusters.east.auth.tls.keyFile (line 5): cannot read "
                + missingKey
                + ": no such file");
  }

  @Test
  void secretsNeverAppearInProblemsOrMessages() throws Exception {
    String envSecret = "env-s3cr3t-value";
    String fileSecret = "file-s3cr3t-value";
    String literalSecret = "literal-s3cr3t-value";
    Path tokenFile = Files.writeString(dir.resolve("west.token"), fileSecret);
    String yaml =
        """
        clusters:
          east:
            serviceUrl: "${EAST_TOKEN}"
            adminUrl: "http://east:8080/${EAST_TOKEN}"
            auth: { token: "${EAST_TOKEN}", oauth2: { privateKey: "%s" } }
          west:
            serviceUrl: "pulsar://west:6650"
            adminUrl: "http://west:8080"
            auth: { token: "file:%s" }
          north:
            serviceUrl: "pulsar://north:6650"
            adminUrl: "http://north:8080"
            auth: %s
          south:
            serviceUrl: "pulsar://south:6650"
            adminUrl: "http://south:8080"
            auth: { token: [%s] }
        links:
          - { name: "${EAST_TOKEN}", source: "${EAST_TOKEN}", target: west, scope: { cluster: true } }
        """
            .formatted(literalSecret, tokenFile, literalSecret, literalSecret);

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.parse(yaml, "test.yaml", Map.of("EAST_TOKEN", envSecret)));

    assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(5);
    for (String secret : List.of(envSecret, fileSecret, literalSecret)) {
      assertThat(e.getMessage()).doesNotContain(secret);
      assertThat(e.problems())
          .allSatisfy(
              problem -> {
                assertThat(problem.toString()).doesNotContain(secret);
                assertThat(problem.message()).doesNotContain(secret);
              });
    }
    assertThat(e.problems())
        .map(ConfigProblem::toString)
        .contains(
            "clusters.east.serviceUrl (line 3): must start with pulsar:// or pulsar+ssl://,"
                + " found '${EAST_TOKEN}'",
            "links[0].source (line 19): unknown cluster '${EAST_TOKEN}'"
                + " (known: east, west, north, south)");
  }

  @Test
  void secretsDoNotShowInToString() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("east.token"), "file-s3cr3t");
    GeorepConfig config =
        ConfigLoader.parse(
            withEastAuth("{ token: \"file:" + tokenFile + "\" }"), "test.yaml", Map.of());

    assertThat(Secret.of("s3cr3t").toString()).isEqualTo("****");
    assertThat(config.toString()).doesNotContain("file-s3cr3t").contains("****");
    assertThat(config.clusters().get("east").auth()).hasToString("Token[token=****]");
  }

  private static List<String> problems(String yaml, Map<String, String> environment) {
    return ConfigValidationTest.problems(yaml, environment);
  }

  @Test
  void aTokenFileRotatedBetweenTwoCallsGivesTheNewToken() throws Exception {
    Path file = Files.writeString(dir.resolve("east.token"), "first-token\n");
    Secret token =
        ((AuthConfig.Token) eastAuth("{ token: \"file:" + file + "\" }", Map.of())).token();
    assertThat(token.reveal()).isEqualTo("first-token");

    // Same size, a later modification time: a JWT renewed for the same role.
    Files.writeString(file, "secnd-token\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
    assertThat(token.reveal()).isEqualTo("secnd-token");

    // Replaced by a rename, as secret managers and Kubernetes volumes do.
    Path next = Files.writeString(dir.resolve("east.token.new"), "third-token-longer");
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(token.reveal()).isEqualTo("third-token-longer");
  }

  @Test
  void aTokenFileMidRotationKeepsTheLastToken() throws Exception {
    Path file = Files.writeString(dir.resolve("east.token"), "kept-token");
    Secret token = Secret.ofFile(file);

    Files.writeString(file, "  \n");
    assertThat(token.reveal()).isEqualTo("kept-token");
    Files.delete(file);
    assertThat(token.reveal()).isEqualTo("kept-token");
    Files.writeString(file, "new-token");
    assertThat(token.reveal()).isEqualTo("new-token");
    assertThat(token.toString()).isEqualTo("****");
  }
}
