package io.georep.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed CA and a broker certificate it signed, valid for {@code 127.0.0.1} and {@code
 * localhost}, as the PEM files Pulsar reads: the CA certificate, the broker certificate and the
 * broker's PKCS#8 private key. Made with the JDK's {@code keytool}, so no new dependency; made once
 * per cluster and reused on restart.
 */
final class TlsMaterial {
  private static final String PASSWORD = "georep-testkit";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private final Path caCertFile;
  private final Path brokerCertFile;
  private final Path brokerKeyFile;

  private TlsMaterial(Path dir) {
    this.caCertFile = dir.resolve("ca.cert.pem");
    this.brokerCertFile = dir.resolve("broker.cert.pem");
    this.brokerKeyFile = dir.resolve("broker.key-pk8.pem");
  }

  /** The material in {@code dir}, generated there first when it is not complete. */
  static TlsMaterial loadOrCreate(Path dir) {
    TlsMaterial material = new TlsMaterial(dir);
    if (!(Files.exists(material.caCertFile)
        && Files.exists(material.brokerCertFile)
        && Files.exists(material.brokerKeyFile))) {
      material.generate(dir);
    }
    return material;
  }

  Path caCertFile() {
    return caCertFile;
  }

  Path brokerCertFile() {
    return brokerCertFile;
  }

  Path brokerKeyFile() {
    return brokerKeyFile;
  }

  private void generate(Path dir) {
    try {
      Files.createDirectories(dir);
      Path caStore = dir.resolve("ca.p12");
      Path brokerStore = dir.resolve("broker.p12");
      Path csr = dir.resolve("broker.csr");
      for (Path p : List.of(caStore, brokerStore, csr)) {
        Files.deleteIfExists(p);
      }
      // the two key pairs are independent: make them side by side
      CompletableFuture<Void> ca =
          CompletableFuture.runAsync(
              () ->
                  keytool(
                      "-genkeypair",
                      "-alias",
                      "ca",
                      "-keyalg",
                      "RSA",
                      "-keysize",
                      "2048",
                      "-dname",
                      "CN=georep testkit CA",
                      "-ext",
                      "bc:c",
                      "-validity",
                      "3650",
                      "-keystore",
                      caStore.toString()));
      keytool(
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=localhost",
          "-validity",
          "3650",
          "-keystore",
          brokerStore.toString());
      keytool(
          "-certreq",
          "-alias",
          "broker",
          "-keystore",
          brokerStore.toString(),
          "-file",
          csr.toString());
      ca.join();
      keytool(
          "-gencert",
          "-alias",
          "ca",
          "-keystore",
          caStore.toString(),
          "-infile",
          csr.toString(),
          "-outfile",
          brokerCertFile.toString(),
          "-rfc",
          "-validity",
          "3650",
          "-ext",
          "SAN=ip:127.0.0.1,dns:localhost",
          "-ext",
          "KU=digitalSignature,keyEncipherment",
          "-ext",
          "EKU=serverAuth,clientAuth");
      KeyStore caKeys = load(caStore);
      writePem(caCertFile, "CERTIFICATE", caKeys.getCertificate("ca").getEncoded());
      Key brokerKey = load(brokerStore).getKey("broker", PASSWORD.toCharArray());
      // PKCS12 keeps RSA keys as PKCS#8, which is the form Pulsar's PEM reader wants
      if (!"PKCS#8".equals(brokerKey.getFormat())) {
        throw new IllegalStateException("broker key is " + brokerKey.getFormat() + ", not PKCS#8");
      }
      writePem(brokerKeyFile, "PRIVATE KEY", brokerKey.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS material in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the keystores keytool made in " + dir, e);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    return keyStore;
  }

  private static void writePem(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(
        List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool did not finish: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "keytool failed with exit code "
                + process.exitValue()
                + ": "
                + String.join(" ", command)
                + "\n"
                + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
