package io.georep.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code broker.conf} settings the testkit derives from a {@link PulsarClusterSpec}. */
final class BrokerSettings {
  static final String ENTRY_METADATA_INTERCEPTORS =
      "org.apache.pulsar.common.intercept.AppendIndexMetadataInterceptor,"
          + "org.apache.pulsar.common.intercept.AppendBrokerTimestampMetadataInterceptor";

  private BrokerSettings() {}

  /**
   * Settings every backend applies: the cluster name, one bookie, the spec's features and the
   * spec's own settings last, so that they win. What depends on the backend (addresses, ports, file
   * paths, bookie tuning) comes in {@code backend}, {@code tokenAuth} and {@code tls}; the last two
   * apply only when the spec switches them on.
   */
  static Map<String, String> of(
      PulsarClusterSpec spec,
      Map<String, String> backend,
      Map<String, String> tokenAuth,
      Map<String, String> tls) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("clusterName", spec.name());
    settings.putAll(backend);
    settings.put("managedLedgerDefaultEnsembleSize", "1");
    settings.put("managedLedgerDefaultWriteQuorum", "1");
    settings.put("managedLedgerDefaultAckQuorum", "1");
    settings.put("brokerDeduplicationEnabled", Boolean.toString(spec.deduplication()));
    settings.put("allowAutoTopicCreationType", "non-partitioned");
    settings.put("systemTopicEnabled", "true");
    settings.put("topicLevelPoliciesEnabled", "true");
    settings.put("brokerShutdownTimeoutMs", "5000");
    if (spec.brokerEntryMetadata()) {
      settings.put("brokerEntryMetadataInterceptors", ENTRY_METADATA_INTERCEPTORS);
      settings.put("exposingBrokerEntryMetadataToClientEnabled", "true");
    }
    if (spec.tokenAuth()) {
      settings.putAll(tokenAuth);
    }
    if (spec.tls()) {
      settings.putAll(tls);
    }
    settings.putAll(spec.brokerSettings());
    return settings;
  }

  /**
   * Token authentication and authorization with {@code superuser} as super user; the broker's own
   * clients authenticate as that super user.
   *
   * @param secretKeyUrl where the broker reads the HS256 key, e.g. {@code file:///path}
   */
  static Map<String, String> tokenAuth(String secretKeyUrl, String superUserToken) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("authenticationEnabled", "true");
    settings.put("authorizationEnabled", "true");
    settings.put(
        "authenticationProviders",
        "org.apache.pulsar.broker.authentication.AuthenticationProviderToken");
    settings.put("tokenSecretKey", secretKeyUrl);
    settings.put("superUserRoles", TokenSigner.SUPER_USER_ROLE);
    settings.put(
        "brokerClientAuthenticationPlugin",
        "org.apache.pulsar.client.impl.auth.AuthenticationToken");
    settings.put("brokerClientAuthenticationParameters", "token:" + superUserToken);
    return settings;
  }

  /** TLS on the given ports with the given PEM files; the plain ports stay open as well. */
  static Map<String, String> tls(
      int brokerServicePortTls, int webServicePortTls, TlsMaterial material) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("brokerServicePortTls", Integer.toString(brokerServicePortTls));
    settings.put("webServicePortTls", Integer.toString(webServicePortTls));
    settings.put("tlsCertificateFilePath", material.brokerCertFile().toString());
    settings.put("tlsKeyFilePath", material.brokerKeyFile().toString());
    settings.put("tlsTrustCertsFilePath", material.caCertFile().toString());
    return settings;
  }
}
