package io.georep.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.georep.config.AuthConfig;
import io.georep.config.ClusterConfig;
import io.georep.replicator.AsyncFailures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.pulsar.client.admin.PulsarAdminException;

/**
 * Makes admin calls on one cluster and turns their failures into {@link MetadataSyncException}s
 * that say what georep tried, on which cluster, as which role, and which permission that role
 * lacks.
 */
final class ClusterCalls {
  private final String cluster;
  private final String role;

  ClusterCalls(ClusterConfig cluster) {
    this(cluster.name(), describeRole(cluster.auth()));
  }

  ClusterCalls(String cluster, String role) {
    this.cluster = cluster;
    this.role = role;
  }

  String cluster() {
    return cluster;
  }

  /**
   * Starts {@code call}; its failure becomes a {@link MetadataSyncException}.
   *
   * @param what what the call does, e.g. {@code "read the policies of namespace sales/orders"}
   * @param permission what the role needs for it, e.g. {@code "tenant admin of 'sales'"}
   */
  <T> CompletableFuture<T> call(
      String what, String permission, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle(
        (value, error) -> {
          if (error == null) {
            return value;
          }
          throw failure(what, permission, AsyncFailures.unwrap(error));
        });
  }

  /** Like {@link #call}, but a 404 answers {@code null}: for objects the cluster may not have. */
  <T> CompletableFuture<T> callIfExists(
      String what, String permission, Supplier<CompletableFuture<T>> call) {
    return call(what, permission, call)
        .exceptionally(
            error -> {
              Throwable cause = AsyncFailures.unwrap(error);
              if (cause instanceof MetadataSyncException failure
                  && failure.getCause() instanceof PulsarAdminException.NotFoundException) {
                return null;
              }
              throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
            });
  }

  MetadataSyncException failure(String what, String permission, Throwable error) {
    if (error instanceof MetadataSyncException already) {
      return already;
    }
    if (error instanceof PulsarAdminException.NotAuthorizedException) {
      return new MetadataSyncException(
          cluster,
          MetadataSyncException.Reason.ACCESS_DENIED,
          "cluster '"
              + cluster
              + "' refused to let "
              + role
              + " "
              + what
              + ": it needs "
              + permission
              + ". Grant it, or give georep a super-user's credentials for this cluster.",
          error);
    }
    return new MetadataSyncException(
        cluster,
        MetadataSyncException.Reason.FAILED,
        "cluster '" + cluster + "': cannot " + what + ": " + firstLine(error),
        error);
  }

  private static String firstLine(Throwable error) {
    String message = error.getMessage();
    if (message == null || message.isBlank()) {
      return error.getClass().getSimpleName();
    }
    String line = message.strip().lines().findFirst().orElse(message);
    return line.length() <= 300 ? line : line.substring(0, 300) + "...";
  }

  /**
   * Who georep is on a cluster, for error messages: the token's subject (the token itself is never
   * shown), the certificate's subject, the OAuth2 issuer; never a secret.
   */
  static String describeRole(AuthConfig auth) {
    if (auth instanceof AuthConfig.Token token) {
      String subject = tokenSubject(token.token().reveal());
      return subject == null ? "the role of the configured token" : "role '" + subject + "'";
    }
    if (auth instanceof AuthConfig.TlsClientCert cert) {
      try (InputStream in = Files.newInputStream(cert.certFile())) {
        X509Certificate certificate =
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        return "the role of certificate '" + certificate.getSubjectX500Principal().getName() + "'";
      } catch (Exception e) {
        return "the role of the certificate " + cert.certFile();
      }
    }
    if (auth instanceof AuthConfig.OAuth2 oauth) {
      return "the OAuth2 client of " + oauth.issuerUrl();
    }
    return "an anonymous client (no auth configured)";
  }

  /** The {@code sub} claim of a JWT, read without verifying it; null if it is not a JWT. */
  static String tokenSubject(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return null;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
      JsonNode claims = new ObjectMapper().readTree(new String(payload, StandardCharsets.UTF_8));
      JsonNode subject = claims.get("sub");
      return subject == null || !subject.isTextual() ? null : subject.asText();
    } catch (Exception e) {
      return null;
    }
  }
}
