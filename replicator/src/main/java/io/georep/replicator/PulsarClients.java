package io.georep.replicator;

import io.georep.config.AuthConfig;
import io.georep.config.ClusterConfig;
import io.georep.config.TlsConfig;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminBuilder;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.impl.ClientBuilderImpl;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.client.impl.auth.oauth2.AuthenticationFactoryOAuth2;
import org.apache.pulsar.shade.io.netty.util.HashedWheelTimer;
import org.apache.pulsar.shade.io.netty.util.Timer;

/**
 * Builds Pulsar clients and admin clients for a configured cluster: authentication (token, OAuth2,
 * TLS client certificate) and TLS trust. Secrets are revealed only here, into the client builders,
 * and never into a message.
 */
public final class PulsarClients {
  private PulsarClients() {}

  /**
   * A timer for every client of a process, to pass to {@link #client(ClusterConfig, Timer)} and
   * stop once they are closed. Each Pulsar client otherwise starts its own, whose thread wakes
   * every millisecond even when idle (about 0.01 cores for a daemon's two clients); what the
   * clients time (send, operation and connection timeouts, reconnection backoff) is counted in
   * hundreds of milliseconds or more, so a 10 ms tick loses nothing.
   */
  public static Timer sharedTimer() {
    return new HashedWheelTimer(
        runnable -> {
          Thread thread = new Thread(runnable, "georep-pulsar-timer");
          thread.setDaemon(true);
          return thread;
        },
        10,
        TimeUnit.MILLISECONDS);
  }

  /** A binary-protocol client tuned for replication, with a timer of its own. */
  public static PulsarClient client(ClusterConfig cluster) {
    return client(cluster, null);
  }

  /**
   * A binary-protocol client tuned for replication: many producers and consumers per client. With a
   * {@code timer} (from {@link #sharedTimer()}) it uses that one; the caller stops it after the
   * client is closed.
   */
  public static PulsarClient client(ClusterConfig cluster, Timer timer) {
    return client(cluster, timer, DEFAULT_MEMORY_LIMIT_BYTES);
  }

  /** What a client may hold in pending sends unless the links need more. */
  public static final long DEFAULT_MEMORY_LIMIT_BYTES = 64L * 1024 * 1024;

  /**
   * The largest message a broker accepts by default; one may go beyond a link's in-flight bytes.
   */
  static final long MAX_MESSAGE_BYTES = 5L * 1024 * 1024;

  /**
   * The memory limit of the daemon's client of {@code cluster}: {@link
   * #DEFAULT_MEMORY_LIMIT_BYTES}, plus what every link sending to it may have in flight (its
   * in-flight bytes, and one message beyond them, which goes alone). The client refuses a send past
   * its limit ({@code MemoryBufferIsFull}, since georep's producers do not block): a fixed limit
   * did so once several links' in-flight limits added up past it.
   */
  public static long memoryLimitFor(io.georep.config.GeorepConfig config, String cluster) {
    long limit = DEFAULT_MEMORY_LIMIT_BYTES;
    for (io.georep.config.LinkConfig link : config.links()) {
      if (link.target().equals(cluster)) {
        limit += link.options().inFlightBytes() + MAX_MESSAGE_BYTES;
      }
    }
    return limit;
  }

  /** {@link #client(ClusterConfig, Timer)} with a memory limit of its own. */
  public static PulsarClient client(ClusterConfig cluster, Timer timer, long memoryLimitBytes) {
    try {
      ClientBuilder builder =
          PulsarClient.builder()
              .serviceUrl(cluster.serviceUrl())
              .connectionTimeout(10, TimeUnit.SECONDS)
              .operationTimeout(30, TimeUnit.SECONDS)
              // Reconnect attempts at most 5 s apart (default 60 s): after a broker restart the
              // link resumes within seconds, and a producer the target refuses (backlog quota,
              // permission) fails with the broker's reason soon after the operation timeout.
              .maxBackoffInterval(5, TimeUnit.SECONDS)
              // Pending sends: above what the links may have in flight (memoryLimitFor), so that no
              // send is refused for memory.
              .memoryLimit(memoryLimitBytes, org.apache.pulsar.client.api.SizeUnit.BYTES)
              // The client's own per-producer and per-consumer statistics (quantile sketches
              // updated on every message) cost ~5% of georep's CPU; georep counts for itself.
              .statsInterval(0, TimeUnit.SECONDS)
              .enableTcpNoDelay(true);
      secure(
          cluster,
          builder::authentication,
          builder::tlsTrustCertsFilePath,
          builder::enableTlsHostnameVerification,
          builder::allowTlsInsecureConnection);
      if (timer == null) {
        return builder.build();
      }
      // The builder offers no timer; the client's constructor takes one (and then leaves it
      // running when closed).
      return new PulsarClientImpl(
          ((ClientBuilderImpl) builder).getClientConfigurationData(), null, null, timer);
    } catch (PulsarClientException e) {
      throw new IllegalArgumentException(
          "cannot create a Pulsar client for cluster '"
              + cluster.name()
              + "' ("
              + cluster.serviceUrl()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** An admin client for the cluster's HTTP admin API. */
  public static PulsarAdmin admin(ClusterConfig cluster) {
    try {
      PulsarAdminBuilder builder =
          PulsarAdmin.builder()
              .serviceHttpUrl(cluster.adminUrl())
              .connectionTimeout(10, TimeUnit.SECONDS)
              .readTimeout(30, TimeUnit.SECONDS)
              .requestTimeout(60, TimeUnit.SECONDS);
      secure(
          cluster,
          builder::authentication,
          builder::tlsTrustCertsFilePath,
          builder::enableTlsHostnameVerification,
          builder::allowTlsInsecureConnection);
      return builder.build();
    } catch (PulsarClientException e) {
      throw new IllegalArgumentException(
          "cannot create a Pulsar admin client for cluster '"
              + cluster.name()
              + "' ("
              + cluster.adminUrl()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Authentication and TLS, the same for both kinds of builder (they share no interface). */
  private static void secure(
      ClusterConfig cluster,
      Consumer<Authentication> authentication,
      Consumer<String> trustCertsFile,
      Consumer<Boolean> hostnameVerification,
      Consumer<Boolean> allowInsecureConnection) {
    Authentication auth = authentication(cluster);
    if (auth != null) {
      authentication.accept(auth);
    }
    TlsConfig tls = cluster.tls();
    if (tls.trustCertsFile() != null) {
      trustCertsFile.accept(tls.trustCertsFile().toString());
    }
    hostnameVerification.accept(tls.hostnameVerification());
    allowInsecureConnection.accept(tls.allowInsecureConnection());
  }

  private static Authentication authentication(ClusterConfig cluster) {
    AuthConfig auth = cluster.auth();
    if (auth instanceof AuthConfig.Token token) {
      // Asked on every connection, re-authentication and admin request: a token file rotated on
      // disk is picked up there (Secret re-reads it when it changes), before the old one expires.
      return AuthenticationFactory.token(token.token()::reveal);
    }
    if (auth instanceof AuthConfig.OAuth2 oauth) {
      return AuthenticationFactoryOAuth2.clientCredentials(
          url(oauth.issuerUrl(), cluster, "auth.oauth2.issuerUrl"),
          url(oauth.privateKeyUrl(), cluster, "auth.oauth2.privateKey"),
          oauth.audience(),
          oauth.scope());
    }
    if (auth instanceof AuthConfig.TlsClientCert cert) {
      return AuthenticationFactory.TLS(cert.certFile().toString(), cert.keyFile().toString());
    }
    return null;
  }

  private static URL url(String value, ClusterConfig cluster, String field) {
    try {
      return URI.create(value).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "clusters." + cluster.name() + "." + field + " is not a valid URL: " + e.getMessage(), e);
    }
  }
}
