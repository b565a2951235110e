package io.georep.config;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code auth} of a cluster: one of {@code token}, {@code oauth2} or {@code tls}. Its
 * messages never show a value: a token, an OAuth2 key or their environment variables' values.
 */
final class AuthConfigReader {
  private static final List<String> KINDS = List.of("token", "oauth2", "tls");
  private static final List<String> OAUTH2_KEYS =
      List.of("issuerUrl", "privateKey", "audience", "scope");
  private static final List<String> TLS_KEYS = List.of("certFile", "keyFile");
  private static final String DATA_PREFIX = "data:";
  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

  private AuthConfigReader() {}

  static Optional<AuthConfig> read(NodeReader node) {
    return node.fields(KINDS)
        .flatMap(
            fields -> {
              List<String> chosen = KINDS.stream().filter(fields::has).toList();
              if (chosen.size() != 1) {
                node.problem(
                    chosen.isEmpty()
                        ? "choose one of token, oauth2 or tls, or leave auth out"
                        : "choose only one of token, oauth2 or tls, found "
                            + String.join(", ", chosen));
                return Optional.empty();
              }
              NodeReader value = fields.optional(chosen.get(0)).orElseThrow();
              return switch (chosen.get(0)) {
                case "token" -> token(value);
                case "oauth2" -> oauth2(value);
                default -> tlsClientCert(value);
              };
            });
  }

  /**
   * A token given as it is, as {@code ${NAME}}, or as {@code file:/path} to read it from (again
   * whenever the file changes).
   */
  private static Optional<AuthConfig> token(NodeReader node) {
    return node.nonEmptyText()
        .flatMap(
            text ->
                text.startsWith(LocalFiles.FILE_PREFIX)
                    ? fileReference(node, text).flatMap(path -> readSecret(node, path))
                    : Optional.of(Secret.of(text)))
        .map(AuthConfig.Token::new);
  }

  /** A secret that follows its file (a rotated token is re-read); it must be readable now. */
  private static Optional<Secret> readSecret(NodeReader node, Path path) {
    try {
      return Optional.of(Secret.ofFile(path));
    } catch (IllegalArgumentException e) {
      node.problem(e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      node.problem("cannot read " + path + ": " + LocalFiles.reason(e));
      return Optional.empty();
    }
  }

  private static Optional<AuthConfig> oauth2(NodeReader node) {
    return node.readFields(
        OAUTH2_KEYS,
        fields -> {
          String issuerUrl =
              fields
                  .required("issuerUrl")
                  .flatMap(url -> url.url("https://auth.example.com", "https://", "http://"))
                  .orElse(null);
          String privateKeyUrl =
              fields.required("privateKey").flatMap(AuthConfigReader::privateKeyUrl).orElse(null);
          String audience =
              fields.required("audience").flatMap(NodeReader::nonEmptyText).orElse(null);
          String scope = fields.optional("scope").flatMap(NodeReader::nonEmptyText).orElse(null);
          return () -> new AuthConfig.OAuth2(issuerUrl, privateKeyUrl, audience, scope);
        });
  }

  /**
   * The credentials JSON as a URL for the Pulsar client: a {@code data:} URL as it is, a {@code
   * file:} URL as it is once the file is found readable, a path as a {@code file:} URL.
   */
  private static Optional<String> privateKeyUrl(NodeReader node) {
    return node.nonEmptyText()
        .flatMap(
            text -> {
              if (text.startsWith(DATA_PREFIX)) {
                return Optional.of(text);
              }
              if (text.startsWith(LocalFiles.FILE_PREFIX)) {
                return fileReference(node, text).flatMap(node::readable).map(path -> text);
              }
              if (URL_SCHEME.matcher(text).lookingAt()) {
                node.problem(
                    "must be a file: URL, a data: URL or the path of the credentials JSON");
                return Optional.empty();
              }
              return path(node, text)
                  .flatMap(node::readable)
                  .map(path -> path.toAbsolutePath().toUri().toString());
            });
  }

  private static Optional<AuthConfig> tlsClientCert(NodeReader node) {
    return node.readFields(
        TLS_KEYS,
        fields -> {
          Path certFile =
              fields.required("certFile").flatMap(NodeReader::readableFile).orElse(null);
          Path keyFile = fields.required("keyFile").flatMap(NodeReader::readableFile).orElse(null);
          return () -> new AuthConfig.TlsClientCert(certFile, keyFile);
        });
  }

  private static Optional<Path> fileReference(NodeReader node, String reference) {
    try {
      return Optional.of(LocalFiles.pathOf(reference));
    } catch (IllegalArgumentException e) {
      node.problem("invalid file reference: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Path> path(NodeReader node, String text) {
    try {
      return Optional.of(Path.of(text));
    } catch (InvalidPathException e) {
      node.problem("invalid path: " + e.getReason());
      return Optional.empty();
    }
  }
}
