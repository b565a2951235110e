package io.georep.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What is allowed in a configuration but unsafe: credentials that would travel in plaintext (a
 * token or OAuth2 access token over {@code pulsar://} or {@code http://}, OAuth2 client credentials
 * to an {@code http://} issuer), where anyone on the network path can read and reuse them; and an
 * HTTP endpoint beyond loopback without a token file (the daemon refuses to start it: {@code
 * --http-listen} may still override the address). {@code georep validate} prints these and the
 * daemon logs them at start; neither refuses the file, since a cluster on a trusted network or
 * behind a TLS-terminating sidecar is a real case.
 */
public final class ConfigWarnings {
  private static final String PULSAR_PLAINTEXT = "pulsar://";
  private static final String HTTP_PLAINTEXT = "http://";

  private ConfigWarnings() {}

  /** Each warning with the path of the field it is about, in the order of the clusters. */
  public static List<ConfigProblem> of(GeorepConfig config) {
    List<ConfigProblem> warnings = new ArrayList<>();
    config.clusters().values().forEach(cluster -> plaintextCredentials(cluster, warnings));
    HttpConfig http = config.http();
    if (http.tokenFile() == null && !isLoopback(http.host())) {
      warnings.add(
          new ConfigProblem(
              "http.listen",
              0,
              "listens on "
                  + http.host()
                  + " without http.tokenFile: georep run refuses to start so, since anyone who"
                  + " reaches the endpoint could pause or fence links; set http.tokenFile or"
                  + " listen on 127.0.0.1"));
    }
    return warnings;
  }

  /** By name only, without resolving: what the daemon's own check at start confirms. */
  private static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1");
  }

  private static void plaintextCredentials(ClusterConfig cluster, List<ConfigProblem> warnings) {
    String what;
    if (cluster.auth() instanceof AuthConfig.Token) {
      what = "the token";
    } else if (cluster.auth() instanceof AuthConfig.OAuth2 oauth) {
      what = "the OAuth2 access token";
      if (oauth.issuerUrl().startsWith(HTTP_PLAINTEXT)) {
        warnings.add(
            warning(
                cluster,
                "auth.oauth2.issuerUrl",
                "the OAuth2 client credentials travel in plaintext over http:// to the issuer;"
                    + " use https://"));
      }
    } else {
      return;
    }
    if (cluster.serviceUrl().startsWith(PULSAR_PLAINTEXT)) {
      warnings.add(
          warning(
              cluster,
              "serviceUrl",
              what + " travels in plaintext over pulsar://; use pulsar+ssl:// (TLS)"));
    }
    if (cluster.adminUrl().startsWith(HTTP_PLAINTEXT)) {
      warnings.add(
          warning(cluster, "adminUrl", what + " travels in plaintext over http://; use https://"));
    }
  }

  private static ConfigProblem warning(ClusterConfig cluster, String field, String message) {
    return new ConfigProblem("clusters." + cluster.name() + "." + field, 0, message);
  }
}
