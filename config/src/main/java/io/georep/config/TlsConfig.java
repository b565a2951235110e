package io.georep.config;

import java.nio.file.Path;

/**
 * TLS settings for the connections to one cluster; they matter for {@code pulsar+ssl://} and {@code
 * https://} URLs.
 *
 * @param trustCertsFile PEM file of the certificate authorities to trust, or {@code null} for the
 *     JVM's default trust store
 * @param hostnameVerification whether the server's certificate must name the host (default true)
 * @param allowInsecureConnection whether to accept any server certificate (default false)
 */
public record TlsConfig(
    Path trustCertsFile, boolean hostnameVerification, boolean allowInsecureConnection) {

  /** Default trust, hostname verification on, insecure connections refused. */
  public static TlsConfig defaults() {
    return new TlsConfig(null, true, false);
  }
}
