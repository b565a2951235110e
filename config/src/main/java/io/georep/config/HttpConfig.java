package io.georep.config;

import java.util.Objects;

/**
 * Where the daemon serves metrics, health and status; written {@code listen: host:port}.
 *
 * @param host a host name or IP address (IPv6 without brackets)
 * @param port the TCP port, 0 for any free port
 */
public record HttpConfig(String host, int port) {

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** {@code 127.0.0.1:9464}. */
  public static HttpConfig defaults() {
    return new HttpConfig("127.0.0.1", 9464);
  }
}
