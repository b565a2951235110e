package io.georep.testkit;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminBuilder;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Client and admin builders configured for a cluster: its URLs, the super-user token and the CA
 * with hostname verification when they apply. Shared by every backend.
 */
final class ClusterClients {
  private ClusterClients() {}

  static ClientBuilder clientBuilder(PulsarCluster cluster) {
    ClientBuilder builder = PulsarClient.builder().serviceUrl(cluster.serviceUrl());
    authentication(cluster).ifPresent(builder::authentication);
    trustCertsPath(cluster)
        .ifPresent(ca -> builder.tlsTrustCertsFilePath(ca).enableTlsHostnameVerification(true));
    return builder;
  }

  static PulsarAdminBuilder adminBuilder(PulsarCluster cluster) {
    PulsarAdminBuilder builder = PulsarAdmin.builder().serviceHttpUrl(cluster.adminUrl());
    authentication(cluster).ifPresent(builder::authentication);
    trustCertsPath(cluster)
        .ifPresent(ca -> builder.tlsTrustCertsFilePath(ca).enableTlsHostnameVerification(true));
    return builder;
  }

  private static Optional<Authentication> authentication(PulsarCluster cluster) {
    return cluster.superUserToken().map(AuthenticationFactory::token);
  }

  private static Optional<String> trustCertsPath(PulsarCluster cluster) {
    return cluster.trustCertsFile().map(Path::toString);
  }

  static PulsarClient newClient(PulsarCluster cluster) {
    try {
      return clientBuilder(cluster).build();
    } catch (PulsarClientException e) {
      throw new PulsarClusterException("cannot create a client for " + cluster.name(), e);
    }
  }

  static PulsarAdmin newAdmin(PulsarCluster cluster) {
    try {
      return adminBuilder(cluster).build();
    } catch (PulsarClientException e) {
      throw new PulsarClusterException("cannot create an admin client for " + cluster.name(), e);
    }
  }

  /** A small client with short timeouts, for probing a broker that may not be up yet. */
  static PulsarClient newProbeClient(PulsarCluster cluster) throws PulsarClientException {
    return clientBuilder(cluster)
        .ioThreads(1)
        .listenerThreads(1)
        .connectionTimeout(2, TimeUnit.SECONDS)
        .operationTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  /** An admin client with short timeouts, for probing a broker that may not be up yet. */
  static PulsarAdmin newProbeAdmin(PulsarCluster cluster) throws PulsarClientException {
    return adminBuilder(cluster)
        .connectionTimeout(2, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS)
        .requestTimeout(10, TimeUnit.SECONDS)
        .build();
  }
}
