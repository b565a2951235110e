package io.georep.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How georep authenticates to a cluster: nothing, a token, OAuth2 client credentials or a TLS
 * client certificate.
 */
public sealed interface AuthConfig {

  /** No authentication. */
  record None() implements AuthConfig {}

  /** A JWT token, read from the configuration, an environment variable or a file. */
  record Token(Secret token) implements AuthConfig {
    public Token {
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * OAuth2 client credentials, in the form Pulsar's {@code AuthenticationFactoryOAuth2} takes.
   *
   * @param issuerUrl the identity provider's URL
   * @param privateKeyUrl a {@code file:} or {@code data:} URL of the credentials JSON; georep does
   *     not read it, the Pulsar client does
   * @param audience the audience of the token
   * @param scope the scope to ask for, or {@code null}
   */
  record OAuth2(String issuerUrl, String privateKeyUrl, String audience, String scope)
      implements AuthConfig {
    public OAuth2 {
      Objects.requireNonNull(issuerUrl, "issuerUrl");
      Objects.requireNonNull(privateKeyUrl, "privateKeyUrl");
      Objects.requireNonNull(audience, "audience");
    }

    /** Hides a {@code data:} URL, which carries the credentials themselves. */
    @Override
    public String toString() {
      String key = privateKeyUrl.startsWith("data:") ? "data:****" : privateKeyUrl;
      return "OAuth2[issuerUrl="
          + issuerUrl
          + ", privateKeyUrl="
          + key
          + ", audience="
          + audience
          + ", scope="
          + scope
          + "]";
    }
  }

  /** A TLS client certificate and its private key, both PEM files. */
  record TlsClientCert(Path certFile, Path keyFile) implements AuthConfig {
    public TlsClientCert {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
    }
  }
}
