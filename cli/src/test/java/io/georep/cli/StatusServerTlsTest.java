package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.georep.config.HttpConfig;
import io.georep.config.HttpTlsConfig;
import io.georep.daemon.ExitCodes;
import io.georep.daemon.FakeLinkControl;
import io.georep.daemon.HostPort;
import io.georep.daemon.OperationFailedException;
import io.georep.daemon.PemFiles;
import io.georep.daemon.SampleStatus;
import io.georep.daemon.StatusServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files: a self-signed certificate for 127.0.0.1 and its PKCS#8 key, made with the
 * JDK's keytool; the CLI trusts it with {@code --ca-file}.
 */
class StatusServerTlsTest {
  private static final String PASSWORD = "georep-test";

  @TempDir static Path dir;
  private static Path certFile;
  private static Path keyFile;

  @BeforeAll
  static void makeCertificate() throws Exception {
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getInputStream().readAllBytes()))
        .isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      keys.load(in, PASSWORD.toCharArray());
    }
    certFile =
        pem(dir.resolve("cert.pem"), "CERTIFICATE", keys.getCertificate("server").getEncoded());
    keyFile =
        pem(
            dir.resolve("key.pem"),
            "PRIVATE KEY",
            keys.getKey("server", PASSWORD.toCharArray()).getEncoded());
  }

  @Test
  void servesHttpsAndTheCliTrustsItsCertificate() throws Exception {
    try (StatusServer server = start(new HttpTlsConfig(certFile, keyFile))) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      HttpClient trusting = HttpClient.newBuilder().sslContext(PemFiles.trusting(certFile)).build();

      HttpResponse<String> ready =
          trusting.send(
              HttpRequest.newBuilder(server.uri().resolve("/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      CliRun get =
          CliRun.execute(
              "link", "get", "--url", server.uri().toString(), "--ca-file", certFile.toString());

      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(get.exitCode()).as(get::toString).isEqualTo(ExitCodes.OK);
      assertThat(get.out()).as(get::toString).contains("east-to-west");
    }
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedWithTheCommandThatConvertsIt() throws Exception {
    Path rsaKey =
        Files.writeString(
            dir.resolve("rsa.key"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> start(new HttpTlsConfig(certFile, rsaKey)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  private StatusServer start(HttpTlsConfig tls) {
    FakeLinkControl control = new FakeLinkControl();
    return StatusServer.start(
        new HostPort("127.0.0.1", 0),
        new HttpConfig("127.0.0.1", 0, null, tls),
        new StatusServer.Sources(() -> SampleStatus.create(true), () -> true, registry, control));
  }

  private static Path pem(Path file, String type, byte[] der) throws Exception {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n");
  }
}
