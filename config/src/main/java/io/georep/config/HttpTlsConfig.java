package io.georep.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * HTTPS for the daemon's endpoint: {@code http.tls { certFile, keyFile }}.
 *
 * @param certFile PEM file of the server certificate, followed by its chain if any
 * @param keyFile PEM file of its private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record HttpTlsConfig(Path certFile, Path keyFile) {

  public HttpTlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }
}
