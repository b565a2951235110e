package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.daemon.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private static final String CLUSTERS =
      """
      clusters:
        east:
          serviceUrl: pulsar://east.example:6650
          adminUrl: http://east.example:8080
        west:
          serviceUrl: pulsar://west.example:6650
          adminUrl: http://west.example:8080
      """;
  private static final String LINK =
      """
      links:
        - name: east-to-west
          source: east
          target: west
          scope:
            namespaces: [public/default]
      """;

  @TempDir Path dir;

  @Test
  void validConfigIsOk() throws IOException {
    Path file = write("georep.yaml", CLUSTERS + LINK);

    CliRun run = CliRun.execute("validate", "--config", file.toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).as(run::toString).isEqualTo(file + ": OK (2 clusters, 1 link)\n");
    assertThat(run.err()).as(run::toString).isEmpty();
  }

  @Test
  void warnsOfATokenOverPlaintextButStaysValid() throws IOException {
    Path file = write("token.yaml", withEastAuth("auth: { token: s3cr3t }") + LINK);

    CliRun run = CliRun.execute("validate", "--config", file.toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .as(run::toString)
        .isEqualTo(
            file
                + ": OK (2 clusters, 1 link), 2 warnings\n"
                + "  warning: clusters.east.serviceUrl: the token travels in plaintext over"
                + " pulsar://; use pulsar+ssl:// (TLS)\n"
                + "  warning: clusters.east.adminUrl: the token travels in plaintext over"
                + " http://; use https://\n");
  }

  @Test
  void listsEveryProblemWithItsPath() throws IOException {
    Path file =
        write(
            "broken.yaml",
            """
            clusters:
              east:
                serviceUrl: http://east.example:6650
                adminUrl: http://east.example:8080
              west:
                serviceUrl: pulsar://west.example:6650
                adminUrl: http://west.example:8080
            links:
              - name: east-to-west
                source: east
                target: wst
                colour: blue
                scope:
                  namespaces: [public/default]
                  include: ["orders-("]
            """);

    CliRun run = CliRun.execute("validate", "-c", file.toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(run.out().lines().toList())
        .as(run::toString)
        .first()
        .isEqualTo(file + ": 4 problems");
    assertThat(run.out().lines().skip(1).toList())
        .as(run::toString)
        .hasSize(4)
        .allMatch(line -> line.startsWith("  - "))
        .anyMatch(line -> line.contains("clusters.east.serviceUrl") && line.contains("pulsar://"))
        .anyMatch(line -> line.contains("links[0].target") && line.contains("wst"))
        .anyMatch(line -> line.contains("links[0].colour"))
        .anyMatch(line -> line.contains("links[0].scope.include[0]"));
  }

  @Test
  void missingFileIsInvalidConfig() {
    Path file = dir.resolve("nowhere.yaml");

    CliRun run = CliRun.execute("validate", "--config", file.toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(run.out()).as(run::toString).contains(file.toString()).contains("no such file");
  }

  @Test
  void unsetEnvironmentVariableIsAProblem() throws IOException {
    String variable = "GEOREP_CLI_TEST_UNSET_" + ProcessHandle.current().pid();
    Path file = write("env.yaml", withEastAuth("auth: { token: \"${" + variable + "}\" }") + LINK);

    CliRun run = CliRun.execute("validate", "--config", file.toString());

    assertThat(run.exitCode()).as(run::toString).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(run.out())
        .as(run::toString)
        .contains(file + ": 1 problem")
        .contains("clusters.east.auth.token")
        .contains(variable);
  }

  @Test
  void tokenFromFileResolvesAndIsNeverPrinted() throws IOException {
    String secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.do-not-print-me";
    Path tokenFile = write("east.token", secret + "\n");
    String eastWithToken = withEastAuth("auth: { token: \"file:" + tokenFile + "\" }");
    Path valid = write("valid.yaml", eastWithToken + LINK);
    Path invalid = write("invalid.yaml", eastWithToken + LINK.replace("target: west", "target: x"));

    CliRun ok = CliRun.execute("validate", "--verbose", "--config", valid.toString());
    CliRun problems = CliRun.execute("validate", "--verbose", "--config", invalid.toString());
    CliRun daemon = CliRun.execute("run", "--verbose", "--config", invalid.toString());

    assertThat(ok.exitCode()).as(ok::toString).isEqualTo(ExitCodes.OK);
    assertThat(problems.exitCode()).as(problems::toString).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(daemon.exitCode()).as(daemon::toString).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(problems.out()).as(problems::toString).contains("links[0].target");
    assertThat(daemon.err()).as(daemon::toString).contains("error: " + invalid + ": 1 problem");
    for (CliRun run : new CliRun[] {ok, problems, daemon}) {
      assertThat(run.output()).as(run::toString).doesNotContain(secret).doesNotContain("c2VjcmV0");
    }
  }

  private String withEastAuth(String auth) {
    return CLUSTERS.replace(
        "adminUrl: http://east.example:8080", "adminUrl: http://east.example:8080\n    " + auth);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
