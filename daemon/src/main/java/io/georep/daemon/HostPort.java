package io.georep.daemon;

import io.georep.config.HttpConfig;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A TCP listen address, written {@code host:port} ({@code [::1]:9464} for IPv6). Port 0 means any
 * free port.
 *
 * @param host a host name or IP address, IPv6 without brackets
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("no host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
  }

  public static HostPort of(HttpConfig http) {
    return new HostPort(http.host(), http.port());
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not host:port; write an IPv6 address in brackets: [::1]:9464");
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("'" + text + "' has no host; write 0.0.0.0:port for all");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no valid port number");
    }
    return new HostPort(host, port);
  }

  InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with an IPv6 host in brackets. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
