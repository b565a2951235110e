package io.georep.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.georep.config.HttpConfig;
import io.georep.replicator.DaemonStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API of {@link StatusServer} over a real socket, on a {@link FakeLinkControl}. */
class LinkControlApiTest {
  private static final String TOKEN = "s3cret-token";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FakeLinkControl control = new FakeLinkControl();
  private Path tokenFile;
  private StatusServer server;

  @BeforeEach
  void start() throws IOException {
    tokenFile =
        Files.writeString(dir.resolve("tokens"), "# operators\n\nold-token\n" + TOKEN + "\n");
    server = start(new HttpConfig("127.0.0.1", 0, tokenFile, null));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  @Test
  void listsTheLinksInBrief() throws Exception {
    HttpResponse<String> response = send("GET", "/api/v1/links", null, null);

    assertThat(response.statusCode()).as(response::body).isEqualTo(200);
    JsonNode link = json(response).path("links").path(0);
    assertThat(link.path("name").asText()).isEqualTo("east-to-west");
    assertThat(link.path("state").asText()).isEqualTo("DEGRADED");
    assertThat(link.path("controlState").asText()).isEqualTo("ACTIVE");
    assertThat(link.path("partitions").asInt()).isEqualTo(2);
    assertThat(link.path("inFlight").asLong()).isEqualTo(17);
    assertThat(link.path("backlog").asLong()).isEqualTo(250);
    assertThat(link.path("maxLagMillis").asLong()).isEqualTo(1500);
  }

  @Test
  void theControlStateIsTheOneTheLinkStatusShows() throws Exception {
    server.close();
    server =
        StatusServer.start(
            new HostPort("127.0.0.1", 0),
            new HttpConfig("127.0.0.1", 0, tokenFile, null),
            new StatusServer.Sources(
                () -> withState(io.georep.replicator.LinkState.FENCED),
                () -> true,
                registry,
                control));

    JsonNode link = json(send("GET", "/api/v1/links", null, null)).path("links").path(0);

    assertThat(link.path("state").asText()).isEqualTo("FENCED");
    assertThat(link.path("controlState").asText()).isEqualTo("FENCED");
  }

  @Test
  void reloadAnswersWhatChangedOrWhyNothingDid() throws Exception {
    java.util.concurrent.atomic.AtomicReference<RuntimeException> refusal =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger reloads =
        new java.util.concurrent.atomic.AtomicInteger();
    server.close();
    server =
        StatusServer.start(
            new HostPort("127.0.0.1", 0),
            new HttpConfig("127.0.0.1", 0, tokenFile, null),
            new StatusServer.Sources(
                () -> SampleStatus.create(true),
                () -> true,
                registry,
                control,
                () -> {
                  reloads.incrementAndGet();
                  if (refusal.get() != null) {
                    throw refusal.get();
                  }
                  return new io.georep.replicator.ReplicationDaemon.Reload(
                      List.of("b"), List.of("a"), List.of(), List.of("c"));
                }));

    assertError(post("/api/v1/reload", null, null), 401, "Bearer");
    assertThat(reloads).as("refused before reloading").hasValue(0);
    HttpResponse<String> ok = post("/api/v1/reload", TOKEN, null);
    assertThat(ok.statusCode()).as(ok::body).isEqualTo(200);
    assertThat(json(ok).path("added").path(0).asText()).isEqualTo("b");
    assertThat(json(ok).path("removed").path(0).asText()).isEqualTo("a");
    assertThat(json(ok).path("unchanged").path(0).asText()).isEqualTo("c");

    refusal.set(
        new InvalidConfigException(
            "georep.yaml",
            List.of(new io.georep.config.ConfigProblem("links[0].source", 3, "missing")),
            null));
    assertError(post("/api/v1/reload", TOKEN, null), 400, "links[0].source");
    refusal.set(
        new io.georep.replicator.LinkControl.LinkStateException(
            "the new configuration changes state"));
    assertError(post("/api/v1/reload", TOKEN, null), 409, "changes state");
    refusal.set(new IllegalStateException("link a did not stop"));
    HttpResponse<String> failed = post("/api/v1/reload", TOKEN, null);
    assertError(failed, 500, "link a did not stop");
    assertThat(failed.body()).doesNotContain("at io.georep");
  }

  private static DaemonStatus withState(io.georep.replicator.LinkState state) {
    DaemonStatus sample = SampleStatus.create(true);
    DaemonStatus.LinkStatus l = sample.links().get(0);
    return new DaemonStatus(
        sample.startedAt(),
        true,
        List.of(
            new DaemonStatus.LinkStatus(
                l.name(),
                l.source(),
                l.target(),
                state,
                l.lastError(),
                l.messagesForwarded(),
                l.bytesForwarded(),
                l.topics(),
                l.subscriptions(),
                l.metadataSync())));
  }

  @Test
  void describesOneLinkWithItsPartitions() throws Exception {
    HttpResponse<String> one = send("GET", "/api/v1/links/east-to-west", null, null);
    HttpResponse<String> unknown = send("GET", "/api/v1/links/nowhere", null, null);

    assertThat(one.statusCode()).as(one::body).isEqualTo(200);
    assertThat(json(one).path("link").path("name").asText()).isEqualTo("east-to-west");
    assertThat(json(one).path("topics").path(0).path("sourceTopic").asText())
        .isEqualTo(SampleStatus.ORDERS);
    assertError(unknown, 404, "no link named 'nowhere'");
  }

  @Test
  void pausesResumesFencesAndUnfencesWithAToken() throws Exception {
    HttpResponse<String> pause = post("/api/v1/links/east-to-west/pause", TOKEN, null);
    HttpResponse<String> resume = post("/api/v1/links/east-to-west/resume", TOKEN, "{}");
    HttpResponse<String> fence =
        post("/api/v1/links/east-to-west/fence?reason=cut%20over", TOKEN, null);
    HttpResponse<String> resumeFenced = post("/api/v1/links/east-to-west/resume", TOKEN, null);
    HttpResponse<String> unfence = post("/api/v1/links/east-to-west/unfence", "old-token", null);

    assertThat(pause.statusCode()).as(pause::body).isEqualTo(200);
    assertThat(json(pause).path("link").asText()).isEqualTo("east-to-west");
    assertThat(json(pause).path("state").asText()).isEqualTo("PAUSED");
    assertThat(json(pause).path("inFlight").asLong()).isEqualTo(17);
    assertThat(json(resume).path("state").asText()).isEqualTo("ACTIVE");
    assertThat(json(fence).path("state").asText()).isEqualTo("FENCED");
    assertError(resumeFenced, 409, "unfence it first");
    assertThat(unfence.statusCode()).as(unfence::body).isEqualTo(200);
    assertThat(control.calls)
        .containsExactly(
            "pause east-to-west",
            "resume east-to-west",
            "fence east-to-west cut over",
            "resume east-to-west",
            "unfence east-to-west");
  }

  @Test
  void drainTakesItsTimeoutFromTheQueryOrTheBody() throws Exception {
    HttpResponse<String> byQuery =
        post("/api/v1/links/east-to-west/drain?timeout=45s", TOKEN, null);
    control.drained = false;
    HttpResponse<String> byBody =
        post("/api/v1/links/east-to-west/drain", TOKEN, "{\"timeout\": \"2m\"}");
    HttpResponse<String> byDefault = post("/api/v1/links/east-to-west/drain", TOKEN, null);

    assertThat(json(byQuery).path("drained").asBoolean()).isTrue();
    assertThat(json(byQuery).path("waitedMillis").asLong()).isEqualTo(1200);
    assertThat(byBody.statusCode()).as(byBody::body).isEqualTo(200);
    assertThat(json(byBody).path("drained").asBoolean()).isFalse();
    assertThat(json(byBody).path("backlog").asLong()).isEqualTo(250);
    assertThat(byDefault.statusCode()).isEqualTo(200);
    assertThat(control.calls)
        .containsExactly(
            "drain east-to-west PT45S", "drain east-to-west PT2M", "drain east-to-west PT30S");
  }

  @Test
  void mutatingCallsNeedAToken() throws Exception {
    HttpResponse<String> none = post("/api/v1/links/east-to-west/pause", null, null);
    HttpResponse<String> wrong = post("/api/v1/links/east-to-west/pause", "guess", null);
    HttpResponse<String> notBearer =
        send("POST", "/api/v1/links/east-to-west/pause", null, "Basic dXNlcjpwYXNz");
    HttpResponse<String> unknownLinkWithoutToken = post("/api/v1/links/nowhere/pause", null, null);

    assertError(none, 401, "Authorization: Bearer");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertError(wrong, 403, "not one of http.tokenFile's");
    assertThat(wrong.body()).doesNotContain("guess").doesNotContain(TOKEN);
    assertError(notBearer, 401, "Authorization: Bearer");
    assertError(unknownLinkWithoutToken, 401, "Authorization: Bearer");
    assertThat(control.calls).isEmpty();
  }

  @Test
  void refusesWhatItCannotDo() throws Exception {
    assertError(post("/api/v1/links/nowhere/pause", TOKEN, null), 404, "no link named 'nowhere'");
    assertError(
        post("/api/v1/links/east-to-west/explode", TOKEN, null), 404, "no action 'explode'");
    assertError(
        post("/api/v1/links/east-to-west/drain?timeout=soon", TOKEN, null), 400, "not a duration");
    assertError(
        post("/api/v1/links/east-to-west/drain?timeout=2h", TOKEN, null), 400, "at most 1h");
    assertError(post("/api/v1/links/east-to-west/pause?force=true", TOKEN, null), 400, "force");
    assertError(post("/api/v1/links/east-to-west/fence", TOKEN, "{not json"), 400, "not JSON");
    assertError(post("/api/v1/links/east-to-west/fence", TOKEN, "[1]"), 400, "JSON object");
    assertError(send("GET", "/api/v1/links/east-to-west/pause", null, null), 405, "use POST");
    assertError(post("/api/v1/reload", TOKEN, null), 501, "without a configuration file");
    assertThat(control.calls)
        .as("only the call to an unknown link reached the daemon")
        .containsExactly("pause nowhere");
  }

  @Test
  void aFailingCallIsAnInternalErrorWithoutAStackTrace() throws Exception {
    control.override = CompletableFuture.failedFuture(new IllegalStateException("actor gone"));

    HttpResponse<String> response = post("/api/v1/links/east-to-west/pause", TOKEN, null);

    assertError(response, 500, "pause of link 'east-to-west' failed: actor gone");
    assertThat(response.body()).doesNotContain("at io.georep").doesNotContain("Exception");
  }

  @Test
  void aRotatedTokenFileIsReadAgain() throws Exception {
    Files.writeString(tokenFile, "new-token\n");
    Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(post("/api/v1/links/east-to-west/pause", TOKEN, null).statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/links/east-to-west/pause", "new-token", null).statusCode())
        .isEqualTo(200);

    Files.delete(tokenFile);
    assertThat(post("/api/v1/links/east-to-west/resume", "new-token", null).statusCode())
        .as("an unreadable token file accepts no token")
        .isEqualTo(403);
  }

  @Test
  void withoutATokenFileOnlyLoopbackServesTheControlApi() throws Exception {
    assertThatThrownBy(() -> start(new HttpConfig("0.0.0.0", 0)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("http.tokenFile");

    try (StatusServer loopback = start(new HttpConfig("127.0.0.1", 0))) {
      HttpResponse<String> pause =
          send(loopback.uri(), "POST", "/api/v1/links/east-to-west/pause", null, null);
      assertThat(pause.statusCode()).as(pause::body).isEqualTo(200);
    }
  }

  @Test
  void aTokenFileWithoutTokensIsRefusedAtStart() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "# nothing yet\n");

    assertThatThrownBy(() -> start(new HttpConfig("127.0.0.1", 0, empty, null)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("holds no token");
  }

  @Test
  void stalledClientsAndWaitingCallsDoNotBlockReadyAndMetrics() throws Exception {
    control.override = new CompletableFuture<>(); // the daemon never answers
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        OutputStream out = socket.getOutputStream();
        out.write("GET /ready HTTP/1.1\r\nHost: georep\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush(); // and never the blank line that ends the request
        stalled.add(socket);
      }
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        waiting.add(
            http.sendAsync(
                request(server.uri(), "POST", "/api/v1/links/east-to-west/drain", TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }

      HttpResponse<String> ready = send("GET", "/ready", null, null);
      HttpResponse<String> metrics = send("GET", "/metrics", null, null);

      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
      waiting.forEach(w -> w.cancel(true));
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  private StatusServer start(HttpConfig config) {
    return StatusServer.start(
        new HostPort(config.host(), config.port()),
        config,
        new StatusServer.Sources(() -> SampleStatus.create(true), () -> true, registry, control));
  }

  private HttpResponse<String> post(String path, String token, String body)
      throws IOException, InterruptedException {
    return send(server.uri(), "POST", path, body, token == null ? null : "Bearer " + token);
  }

  private HttpResponse<String> send(String method, String path, String body, String authorization)
      throws IOException, InterruptedException {
    return send(server.uri(), method, path, body, authorization);
  }

  private HttpResponse<String> send(
      URI base, String method, String path, String body, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(CLIENT_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(URI base, String method, String path, String token) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(CLIENT_TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  private static void assertError(HttpResponse<String> response, int status, String message)
      throws IOException {
    assertThat(response.statusCode()).as(response::body).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = json(response);
    assertThat(error.path("status").asInt()).isEqualTo(status);
    assertThat(error.path("error").asText()).contains(message);
  }
}
