package io.georep.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads one entry of {@code clusters}: its URLs, authentication and TLS settings. */
final class ClusterConfigReader {
  private static final List<String> KEYS = List.of("serviceUrl", "adminUrl", "auth", "tls");
  private static final List<String> TLS_KEYS =
      List.of("trustCertsFile", "hostnameVerification", "allowInsecureConnection");

  private ClusterConfigReader() {}

  static Optional<ClusterConfig> read(String name, NodeReader node) {
    return node.readFields(
        KEYS,
        fields -> {
          if (!Names.isValid(name)) {
            node.problem("a cluster name " + Names.RULE);
          }
          String serviceUrl =
              fields
                  .required("serviceUrl")
                  .flatMap(
                      url -> url.url("pulsar://east.example:6650", "pulsar://", "pulsar+ssl://"))
                  .orElse(null);
          String adminUrl =
              fields
                  .required("adminUrl")
                  .flatMap(url -> url.url("http://east.example:8080", "http://", "https://"))
                  .orElse(null);
          AuthConfig auth =
              fields.optional("auth").flatMap(AuthConfigReader::read).orElse(new AuthConfig.None());
          TlsConfig tls =
              fields.optional("tls").flatMap(ClusterConfigReader::tls).orElse(TlsConfig.defaults());
          return () -> new ClusterConfig(name, serviceUrl, adminUrl, auth, tls);
        });
  }

  private static Optional<TlsConfig> tls(NodeReader node) {
    return node.readFields(
        TLS_KEYS,
        fields -> {
          Path trustCertsFile =
              fields.optional("trustCertsFile").flatMap(NodeReader::readableFile).orElse(null);
          boolean hostnameVerification =
              fields.optional("hostnameVerification").flatMap(NodeReader::bool).orElse(true);
          boolean allowInsecure =
              fields.optional("allowInsecureConnection").flatMap(NodeReader::bool).orElse(false);
          return () -> new TlsConfig(trustCertsFile, hostnameVerification, allowInsecure);
        });
  }
}
