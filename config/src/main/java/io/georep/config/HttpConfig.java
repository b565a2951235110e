package io.georep.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The daemon's HTTP endpoint: metrics, health, status and the control API.
 *
 * @param host a host name or IP address (IPv6 without brackets); written {@code listen: host:port}
 * @param port the TCP port, 0 for any free port
 * @param tokenFile the file of bearer tokens that the control API's mutating calls need, one per
 *     line, re-read when it changes; {@code null} for none, which the daemon allows only on a
 *     loopback address
 * @param tls the certificate and key to serve HTTPS with; {@code null} for plain HTTP
 */
public record HttpConfig(String host, int port, Path tokenFile, HttpTlsConfig tls) {

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Plain HTTP on {@code host:port}, without a token file. */
  public HttpConfig(String host, int port) {
    this(host, port, null, null);
  }

  /** {@code 127.0.0.1:9464}, plain HTTP, no token file. */
  public static HttpConfig defaults() {
    return new HttpConfig("127.0.0.1", 9464);
  }
}
