package io.georep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.georep.replicator.DaemonStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoint, on the JDK's built-in server with two threads:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /health}: 200 while the process runs;
 *   <li>{@code GET /ready}: 200 when every link has started, 503 before;
 *   <li>{@code GET /api/v1/status}: the {@link DaemonStatus} as JSON.
 * </ul>
 *
 * Other paths answer 404, other methods 405. It takes suppliers rather than the daemon itself so
 * that it can be tested without a broker.
 */
public final class StatusServer implements AutoCloseable {
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON_CONTENT_TYPE = "application/json";

  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Route> routes;

  private StatusServer(
      HttpServer server,
      ExecutorService executor,
      Supplier<DaemonStatus> status,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry) {
    this.server = server;
    this.executor = executor;
    this.routes =
        Map.of(
            "/metrics", exchange -> respond(exchange, 200, METRICS_CONTENT_TYPE, registry.scrape()),
            "/health", exchange -> respondJson(exchange, 200, Map.of("status", "UP")),
            "/ready", exchange -> onReady(exchange, ready.getAsBoolean()),
            "/api/v1/status", exchange -> respondJson(exchange, 200, status.get()));
  }

  /**
   * Binds {@code listen} and starts serving.
   *
   * @throws OperationFailedException if the address cannot be bound
   */
  public static StatusServer start(
      HostPort listen,
      Supplier<DaemonStatus> status,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry) {
    InetSocketAddress address = listen.socketAddress();
    if (address.isUnresolved()) {
      throw new OperationFailedException(
          "cannot serve HTTP on " + listen + ": unknown host " + listen.host());
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new OperationFailedException(
          "cannot serve HTTP on " + listen + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, new HttpThreads());
    StatusServer statusServer = new StatusServer(server, executor, status, ready, registry);
    server.setExecutor(executor);
    server.createContext("/", statusServer::handle);
    server.start();
    return statusServer;
  }

  /** The bound address; its port is the actual one when the server was asked for port 0. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** {@code http://host:port} of the bound address. */
  public URI uri() {
    String host = address().getAddress().getHostAddress();
    return URI.create("http://" + new HostPort(host, port()));
  }

  /** Stops at once: open connections are closed, the threads end. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Route route = routes.get(path);
      if (route == null) {
        respondJson(exchange, 404, Map.of("error", "not found", "path", path));
      } else if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respondJson(exchange, 405, Map.of("error", "method not allowed"));
      } else {
        serve(route, exchange);
      }
    }
  }

  private static void serve(Route route, HttpExchange exchange) throws IOException {
    try {
      route.handle(exchange);
    } catch (RuntimeException e) {
      log.warn("HTTP GET {} failed", exchange.getRequestURI(), e);
      if (exchange.getResponseCode() == -1) { // nothing sent yet
        respondJson(exchange, 500, Map.of("error", e.toString()));
      }
    }
  }

  private static void onReady(HttpExchange exchange, boolean ready) throws IOException {
    respondJson(exchange, ready ? 200 : 503, Map.of("ready", ready));
  }

  private static void respondJson(HttpExchange exchange, int code, Object body) throws IOException {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      log.warn("cannot write {} as JSON", body.getClass().getSimpleName(), e);
      code = 500;
      json = "{\"error\":\"cannot write the response as JSON\"}";
    }
    respond(exchange, code, JSON_CONTENT_TYPE, json);
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @FunctionalInterface
  private interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Daemon threads named {@code georep-http-N}: they never keep the JVM alive. */
  private static final class HttpThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "georep-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
