package io.georep.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user gets it: unpacked into a temporary directory outside the source tree and
 * run with a plain process, no Maven, no source tree, only a JDK (through {@code JAVA_HOME}).
 */
class DistributionIT {
  /** Jars of test libraries, none of which may ship (ARCHITECTURE.md). */
  private static final List<String> TEST_LIBRARIES =
      List.of(
          "junit",
          "testcontainers",
          "awaitility",
          "assertj",
          "mockito",
          "docker-java",
          "hamcrest",
          "opentest4j");

  private static final String VERSION = System.getProperty("georep.version");

  @TempDir static Path unpacked;
  private static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = Path.of(System.getProperty("georep.tarball"));
    assertThat(tarball).isRegularFile();
    Run untar = run(unpacked, Duration.ofMinutes(1), "tar", "-xzf", tarball.toString());
    assertThat(untar.exitCode()).as(untar::toString).isZero();
    home = unpacked.resolve("georep-" + VERSION);
  }

  @Test
  void hasTheLauncherConfigDocsCompletionAndNotices() throws IOException {
    assertThat(home.resolve("bin/georep")).isExecutable();
    assertThat(home.resolve("bin/georep.jvm-options")).isRegularFile();
    assertThat(home.resolve("conf/georep.example.yaml")).isRegularFile();
    assertThat(home.resolve("docs/install.md")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(Files.readString(home.resolve("THIRD-PARTY.txt")))
        .contains("org.apache.pulsar:pulsar-client:", "info.picocli:picocli:", "licence: Apache");
    assertThat(Files.readString(home.resolve("completion/georep.bash")))
        .contains("complete -F _complete_georep", "sandbox");
  }

  @Test
  void completionScriptIsValidBash() throws Exception {
    Run check =
        run(
            home,
            Duration.ofSeconds(30),
            "bash",
            "-n",
            home.resolve("completion/georep.bash") + "");

    assertThat(check.exitCode()).as(check::toString).isZero();
  }

  @Test
  void libHoldsExactlyTheClasspathAndNoTestLibrary() throws IOException {
    List<String> classpath =
        Arrays.stream(Files.readString(home.resolve("lib/georep.classpath")).trim().split(":"))
            .toList();
    List<String> jars;
    try (Stream<Path> files = Files.list(home.resolve("lib"))) {
      jars =
          files
              .map(p -> "lib/" + p.getFileName())
              .filter(name -> name.endsWith(".jar"))
              .sorted()
              .toList();
    }

    assertThat(classpath).containsExactlyInAnyOrderElementsOf(jars);
    assertThat(classpath.get(0)).startsWith("lib/georep-cli-");
    for (String library : TEST_LIBRARIES) {
      assertThat(jars).as("test library %s in lib/", library).noneMatch(j -> j.contains(library));
    }
  }

  @Test
  void versionNamesTheVersionAndTheCommit() throws Exception {
    Run version = georep(Duration.ofMinutes(1), "--version");

    assertThat(version.exitCode()).as(version::toString).isZero();
    assertThat(version.out())
        .as(version::toString)
        .matches(
            "georep " + VERSION.replace(".", "\\.") + " \\(commit ([0-9a-f]{7,40}|unknown)\\)\n");
  }

  @Test
  void validatesAConfigFile() throws Exception {
    Path config = unpacked.resolve("georep.yaml");
    Files.writeString(
        config,
        """
        clusters:
          east: { serviceUrl: "pulsar://127.0.0.1:6650", adminUrl: "http://127.0.0.1:8080" }
          west: { serviceUrl: "pulsar://127.0.0.1:6651", adminUrl: "http://127.0.0.1:8081" }
        state: { dir: state }
        links:
          - { name: east-to-west, source: east, target: west, scope: { namespaces: [a/b] } }
        """);

    Run validate = georep(Duration.ofMinutes(1), "validate", "--config", config.toString());

    assertThat(validate.exitCode()).as(validate::toString).isZero();
    assertThat(validate.out()).as(validate::toString).contains("OK (2 clusters, 1 link)");
  }

  /**
   * The sandbox runs on the distribution's classpath, which lacks JUnit and Testcontainers: its
   * brokers come from the jars resolved when georep was built (docs/install.md).
   */
  @Test
  void sandboxRunsWithoutTestLibraries() throws Exception {
    Path dir = unpacked.resolve("sandbox");

    Run sandbox =
        georep(
            Duration.ofMinutes(5),
            "sandbox",
            "--duration",
            "3s",
            "--rate",
            "200",
            "--dir",
            dir.toString());

    assertThat(sandbox.exitCode()).as(sandbox::toString).isZero();
    assertThat(sandbox.out()).as(sandbox::toString).contains("RESULT: OK");
  }

  private static Run georep(Duration timeout, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = home.resolve("bin/georep").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    return run(unpacked, timeout, command);
  }

  /** Runs a command in {@code dir} with this JVM's JDK as JAVA_HOME; stdout and stderr apart. */
  private static Run run(Path dir, Duration timeout, String... command) throws Exception {
    Path out = Files.createTempFile(unpacked, "out", ".txt");
    Path err = Files.createTempFile(unpacked, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("GEOREP_JAVA_OPTS");
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          String.join(" ", command) + " did not finish in " + timeout + "\n" + read(out, err));
    }
    return new Run(
        List.of(command),
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String read(Path out, Path err) throws IOException {
    return "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
  }

  private record Run(List<String> command, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command)
          + " exited "
          + exitCode
          + "\nstdout:\n"
          + out
          + "\nstderr:\n"
          + err;
    }
  }
}
