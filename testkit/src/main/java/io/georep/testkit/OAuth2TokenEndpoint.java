package io.georep.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A minimal OAuth2 identity provider on loopback for tests: an OpenID discovery document at {@code
 * <issuer>/.well-known/openid-configuration} and a client-credentials token endpoint, the two calls
 * Pulsar's {@code AuthenticationFactoryOAuth2.clientCredentials} makes. It knows one client (id and
 * a random secret) and one audience; for them it issues the token {@code mint} makes for {@code
 * role} (e.g. {@link PulsarCluster#createToken}, a JWT the cluster's brokers accept), and answers
 * anything else with {@code 401 invalid_client} or {@code 400 invalid_grant}.
 */
public final class OAuth2TokenEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final String clientId;
  private final String clientSecret;
  private final String audience;
  private final String accessToken;
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private OAuth2TokenEndpoint(
      HttpServer server, String clientId, String audience, String accessToken) {
    this.server = server;
    this.clientId = clientId;
    this.clientSecret = UUID.randomUUID().toString();
    this.audience = audience;
    this.accessToken = accessToken;
  }

  /**
   * Starts the endpoint on a free loopback port.
   *
   * @param audience the only audience a token is issued for
   * @param role the role (JWT subject) of every token issued
   * @param mint makes the token of a role, e.g. {@code cluster::createToken}
   */
  public static OAuth2TokenEndpoint start(
      String audience, String role, Function<String, String> mint) {
    Objects.requireNonNull(audience, "audience");
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      OAuth2TokenEndpoint endpoint =
          new OAuth2TokenEndpoint(server, "georep-" + role, audience, mint.apply(role));
      server.createContext("/.well-known/openid-configuration", endpoint::discovery);
      server.createContext("/oauth/token", endpoint::token);
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OAuth2 token endpoint", e);
    }
  }

  /** The issuer URL to configure, e.g. {@code http://127.0.0.1:41234}. */
  public String issuerUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The credentials file's content, as Pulsar's OAuth2 client reads it ({@code privateKey}). */
  public String credentialsJson() {
    return "{\"type\":\"client_credentials\",\"client_id\":\""
        + clientId
        + "\",\"client_secret\":\""
        + clientSecret
        + "\",\"issuer_url\":\""
        + issuerUrl()
        + "\"}";
  }

  /** The access token every successful request gets. */
  public String accessToken() {
    return accessToken;
  }

  /** How many tokens were issued. */
  public int tokensIssued() {
    return issued.get();
  }

  /** How many token requests were refused (wrong client, secret, grant or audience). */
  public int requestsRefused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void discovery(HttpExchange exchange) throws IOException {
    String issuer = issuerUrl();
    respond(
        exchange,
        200,
        "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + issuer + "/oauth/token\"}");
  }

  private void token(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, "{\"error\":\"invalid_request\"}");
      return;
    }
    Map<String, String> form =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!"client_credentials".equals(form.get("grant_type"))) {
      refused.incrementAndGet();
      respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
      return;
    }
    if (!clientId.equals(form.get("client_id"))
        || !clientSecret.equals(form.get("client_secret"))) {
      refused.incrementAndGet();
      respond(exchange, 401, "{\"error\":\"invalid_client\"}");
      return;
    }
    if (!audience.equals(form.get("audience"))) {
      refused.incrementAndGet();
      respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"audience\"}");
      return;
    }
    issued.incrementAndGet();
    respond(
        exchange,
        200,
        "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
  }

  private static Map<String, String> form(String body) {
    Map<String, String> values = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
