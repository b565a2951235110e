package io.georep.config;

import java.util.Objects;

/**
 * How to reach one Pulsar cluster.
 *
 * @param name the name the configuration gives the cluster (the key under {@code clusters})
 * @param serviceUrl the binary protocol URL, {@code pulsar://} or {@code pulsar+ssl://}
 * @param adminUrl the admin REST URL, {@code http://} or {@code https://}
 * @param auth how to authenticate; {@link AuthConfig.None} when the file says nothing
 * @param tls TLS settings; {@link TlsConfig#defaults()} when the file says nothing
 */
public record ClusterConfig(
    String name, String serviceUrl, String adminUrl, AuthConfig auth, TlsConfig tls) {

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceUrl, "serviceUrl");
    Objects.requireNonNull(adminUrl, "adminUrl");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(tls, "tls");
  }
}
