package io.georep.testkit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * A cluster prepared by a backend and started by {@link PulsarClusters#start}: what every backend
 * shares (spec, data directory, token key, clients).
 */
abstract class StartableCluster implements PulsarCluster {
  private final PulsarClusterSpec spec;
  private final Path dataDir;
  private final Optional<TokenSigner> tokens;

  StartableCluster(PulsarClusterSpec spec, Path dataDir) {
    this.spec = spec;
    this.dataDir = dataDir;
    this.tokens =
        spec.tokenAuth()
            ? Optional.of(TokenSigner.loadOrCreate(dataDir.resolve("token").resolve("secret.key")))
            : Optional.empty();
  }

  /** Starts the broker and returns when it is ready; on failure the broker is stopped. */
  abstract void start();

  /**
   * Stops the broker of a cluster that failed to start but leaves its data directory, so that its
   * log can be read.
   */
  abstract void abandon();

  /** The key that signs tokens, present when token authentication is on. */
  final Optional<TokenSigner> tokens() {
    return tokens;
  }

  @Override
  public final String name() {
    return spec.name();
  }

  @Override
  public final PulsarClusterSpec spec() {
    return spec;
  }

  @Override
  public final Optional<String> superUserToken() {
    return tokens.map(TokenSigner::superUserToken);
  }

  @Override
  public final String createToken(String role) {
    return tokens
        .orElseThrow(
            () -> new IllegalStateException("token authentication is off for cluster " + name()))
        .create(role);
  }

  @Override
  public final String createToken(String role, Instant expiresAt) {
    return tokens
        .orElseThrow(
            () -> new IllegalStateException("token authentication is off for cluster " + name()))
        .create(role, expiresAt);
  }

  @Override
  public final Path logFile() {
    return dataDir.resolve("broker.log");
  }

  @Override
  public final Path dataDir() {
    return dataDir;
  }

  @Override
  public final PulsarClient newClient() {
    return ClusterClients.newClient(this);
  }

  @Override
  public final PulsarAdmin newAdmin() {
    return ClusterClients.newAdmin(this);
  }
}
