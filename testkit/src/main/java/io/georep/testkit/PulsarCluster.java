package io.georep.testkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * One running Pulsar cluster (a standalone broker with its bookie) for tests, the sandbox and the
 * benchmark. Get one from {@link PulsarClusters#start} or {@link PulsarClustersExtension}.
 *
 * <p>The clients made by {@link #newClient()} and {@link #newAdmin()} are configured for the
 * cluster (super-user token, trusted CA) and belong to the caller, who closes them.
 */
public interface PulsarCluster extends AutoCloseable {

  /** The cluster name, also the broker's {@code clusterName}. */
  String name();

  /** {@code pulsar://127.0.0.1:port}, or {@code pulsar+ssl://127.0.0.1:port} when TLS is on. */
  String serviceUrl();

  /** {@code http://127.0.0.1:port}, or {@code https://127.0.0.1:port} when TLS is on. */
  String adminUrl();

  PulsarClusterSpec spec();

  /** A token for the role {@code superuser}, present when token authentication is on. */
  Optional<String> superUserToken();

  /**
   * An HS256 JWT for {@code role}, signed with the cluster's secret key.
   *
   * @throws IllegalStateException when token authentication is off
   */
  String createToken(String role);

  /**
   * An HS256 JWT for {@code role} that the broker refuses from {@code expiresAt} on (its {@code
   * exp} claim), signed with the cluster's secret key.
   *
   * @throws IllegalStateException when token authentication is off
   */
  String createToken(String role, Instant expiresAt);

  /** The PEM file of the CA that signed the broker certificate, present when TLS is on. */
  Optional<Path> trustCertsFile();

  /** The broker's log: stdout and stderr of every run, appended. */
  Path logFile();

  /** The directory holding the cluster's configuration, data and log; deleted by close(). */
  Path dataDir();

  /** A client for this cluster, with the super-user token and the CA when they apply. */
  PulsarClient newClient();

  /** An admin client for this cluster, with the super-user token and the CA when they apply. */
  PulsarAdmin newAdmin();

  /**
   * Creates {@code tenant/namespace} namespaces, and their tenants where missing (allowed on this
   * cluster only); existing ones are left as they are.
   */
  default void createNamespaces(String... namespaces) {
    try (PulsarAdmin admin = newAdmin()) {
      for (String namespace : namespaces) {
        String tenant = namespace.substring(0, namespace.indexOf('/'));
        if (!admin.tenants().getTenants().contains(tenant)) {
          admin
              .tenants()
              .createTenant(
                  tenant,
                  org.apache.pulsar.common.policies.data.TenantInfo.builder()
                      .allowedClusters(java.util.Set.of(name()))
                      .build());
        }
        if (!admin.namespaces().getNamespaces(tenant).contains(namespace)) {
          admin.namespaces().createNamespace(namespace);
        }
      }
    } catch (org.apache.pulsar.client.admin.PulsarAdminException e) {
      throw new IllegalStateException(
          "cannot create namespaces on cluster " + name() + ": " + e.getMessage(), e);
    }
  }

  /** Stops the broker gracefully (SIGTERM, then waits); the data stays. */
  void stop();

  /** Kills the broker (SIGKILL), for fault tests; the data stays. */
  void kill();

  /**
   * Freezes the broker (SIGSTOP), for fault tests: its sockets stay open and answer nothing, like a
   * broker stalled by a full disk or a long GC pause. {@link #unfreeze()} lets it go on.
   */
  default void freeze() {
    throw new UnsupportedOperationException("this backend cannot freeze a broker");
  }

  /** Lets a frozen broker go on (SIGCONT). */
  default void unfreeze() {
    throw new UnsupportedOperationException("this backend cannot freeze a broker");
  }

  /**
   * Stops the broker if it runs, then starts it again on the same ports with the same data, and
   * returns when it is ready.
   */
  void restart();

  /** Stops the broker and deletes its data directory. */
  @Override
  void close();
}
