package io.georep.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.config.HttpConfig;
import io.georep.replicator.DaemonStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean ready = new AtomicBoolean();
  private StatusServer server;

  @BeforeEach
  void start() {
    HostPort defaultAddressAnyPort = new HostPort(HttpConfig.defaults().host(), 0);
    server =
        StatusServer.start(
            defaultAddressAnyPort,
            HttpConfig.defaults(),
            sources(() -> SampleStatus.create(ready.get())));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  @Test
  void bindsToLoopbackByDefault() {
    assertThat(HttpConfig.defaults()).isEqualTo(new HttpConfig("127.0.0.1", 9464));
    assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isPositive();
    assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
  }

  @Test
  void healthIsUpWhileRunning() throws Exception {
    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void readyFollowsTheDaemon() throws Exception {
    HttpResponse<String> before = get("/ready");
    ready.set(true);
    HttpResponse<String> after = get("/ready");

    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("{\"ready\":false}");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("{\"ready\":true}");
  }

  @Test
  void statusIsTheDaemonStatusAsJson() throws Exception {
    HttpResponse<String> response = get("/api/v1/status");

    assertThat(response.statusCode()).as(response::body).isEqualTo(200);
    JsonNode status = Json.MAPPER.readTree(response.body());
    assertThat(status.path("startedAt").asText()).isEqualTo("2026-11-25T14:00:00Z");
    JsonNode link = status.path("links").path(0);
    assertThat(link.path("name").asText()).isEqualTo("east-to-west");
    assertThat(link.path("messagesForwarded").asLong()).isEqualTo(12_345);
    JsonNode orders = link.path("topics").path(0);
    assertThat(orders.path("sourceTopic").asText()).isEqualTo(SampleStatus.ORDERS);
    assertThat(orders.path("state").asText()).isEqualTo("RUNNING");
    assertThat(orders.path("messagesForwarded").asLong()).isEqualTo(12_340);
    assertThat(orders.path("inFlight").asInt()).isEqualTo(17);
    JsonNode payments = link.path("topics").path(1);
    assertThat(payments.path("lastError").asText()).isEqualTo(SampleStatus.PAYMENTS_ERROR);
    assertThat(payments.path("lastErrorAt").asText()).isEqualTo("2026-11-25T14:05:00Z");
  }

  @Test
  void metricsAreInPrometheusTextFormat() throws Exception {
    Counter.builder("georep.test.requests")
        .tag("link", "east-to-west")
        .register(registry)
        .increment(3);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("georep_test_requests_total{link=\"east-to-west\"} 3.0");
  }

  @Test
  void unknownPathIsNotFoundAndOtherMethodsAreNotAllowed() throws Exception {
    HttpResponse<String> unknown = get("/status");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void failingStatusIsAnInternalError() throws Exception {
    server.close();
    server =
        StatusServer.start(
            new HostPort("127.0.0.1", 0),
            HttpConfig.defaults(),
            sources(
                () -> {
                  throw new IllegalStateException("board gone");
                }));

    HttpResponse<String> response = get("/api/v1/status");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("board gone");
  }

  @Test
  void closedServerRefusesConnections() {
    URI uri = server.uri();
    server.close();

    assertThatThrownBy(() -> get(uri.resolve("/health"))).isInstanceOf(ConnectException.class);
  }

  @Test
  void portInUseIsARuntimeFailure() {
    HostPort taken = new HostPort("127.0.0.1", server.port());

    assertThatThrownBy(() -> StatusServer.start(taken, HttpConfig.defaults(), sources(() -> null)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("cannot serve HTTP on 127.0.0.1:" + server.port());
  }

  private StatusServer.Sources sources(Supplier<DaemonStatus> status) {
    FakeLinkControl control = new FakeLinkControl();
    return new StatusServer.Sources(status, ready::get, registry, control);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(server.uri().resolve(path));
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
