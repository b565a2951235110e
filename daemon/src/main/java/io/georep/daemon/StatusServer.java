package io.georep.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.georep.config.HttpConfig;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.LinkControl;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoint, on the JDK's built-in server (HTTPS with {@code http.tls}):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /health}: 200 while the process runs;
 *   <li>{@code GET /ready}: 200 when every link has started, 503 before;
 *   <li>{@code GET /api/v1/status}: the {@link DaemonStatus} as JSON;
 *   <li>{@code GET /api/v1/links[/NAME]} and {@code POST /api/v1/links/NAME/ACTION}: the control
 *       API, {@link LinkControlApi}.
 * </ul>
 *
 * <p>Reads are open. Every {@code POST} needs {@code Authorization: Bearer <token>} with a token of
 * {@code http.tokenFile} (401 without one, 403 with another); without a token file the server
 * starts only on a loopback address. Errors are JSON, {@code {"error": "...", "status": 404}}, and
 * never carry a stack trace. Other paths answer 404, other methods 405.
 *
 * <p>Slow clients: the JDK server reads a request on the thread that handles it, so a client that
 * sends half a request holds that thread. The server has {@value #THREADS} threads, and control
 * calls never hold one while the daemon works: their replies are written by a thread of their own
 * when the daemon's future completes. So a few stalled clients, or a drain that waits a minute,
 * leave {@code /ready} and {@code /metrics} answering.
 */
public final class StatusServer implements AutoCloseable {
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  public static final String JSON_CONTENT_TYPE = "application/json";
  public static final String LINKS_PATH = "/api/v1/links";
  public static final String RELOAD_PATH = "/api/v1/reload";

  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final int THREADS = 16;
  private static final int REPLY_THREADS = 2;

  /** What the endpoint serves: the daemon's parts it reads and the one it controls. */
  public record Sources(
      Supplier<DaemonStatus> status,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      LinkControl control,
      Supplier<?> reload) {

    /** Without reload: {@code POST /api/v1/reload} answers 501. */
    public Sources(
        Supplier<DaemonStatus> status,
        BooleanSupplier ready,
        PrometheusMeterRegistry registry,
        LinkControl control) {
      this(status, ready, registry, control, null);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final ExecutorService replies;
  private final Map<String, Route> reads;
  private final LinkControlApi links;
  private final Supplier<?> reload;
  private final TokenFile tokens;
  private final String scheme;

  private StatusServer(
      HttpServer server,
      ExecutorService executor,
      ExecutorService replies,
      Sources sources,
      TokenFile tokens,
      String scheme) {
    this.server = server;
    this.executor = executor;
    this.replies = replies;
    this.tokens = tokens;
    this.scheme = scheme;
    PrometheusMeterRegistry registry = sources.registry();
    this.reads =
        Map.of(
            "/metrics", exchange -> respond(exchange, 200, METRICS_CONTENT_TYPE, registry.scrape()),
            "/health", exchange -> respondJson(exchange, 200, Map.of("status", "UP")),
            "/ready", exchange -> onReady(exchange, sources.ready().getAsBoolean()),
            "/api/v1/status", exchange -> respondJson(exchange, 200, sources.status().get()));
    this.links = new LinkControlApi(sources.status(), sources.control(), replies);
    this.reload = sources.reload();
  }

  /**
   * Binds {@code listen} (which overrides {@code http}'s own address) and starts serving, over TLS
   * when {@code http.tls} is set.
   *
   * @throws OperationFailedException if the address cannot be bound, the token file or the TLS
   *     files cannot be read, or there is no token file and {@code listen} is not loopback
   */
  public static StatusServer start(HostPort listen, HttpConfig http, Sources sources) {
    InetSocketAddress address = listen.socketAddress();
    if (address.isUnresolved()) {
      throw new OperationFailedException(
          "cannot serve HTTP on " + listen + ": unknown host " + listen.host());
    }
    if (http.tokenFile() == null && !address.getAddress().isLoopbackAddress()) {
      throw new OperationFailedException(
          "refusing to serve the control API on "
              + listen
              + " without http.tokenFile: anyone who reaches it could pause or fence links."
              + " Set http.tokenFile (a file of bearer tokens, one a line) or listen on a"
              + " loopback address such as 127.0.0.1");
    }
    TokenFile tokens = http.tokenFile() == null ? null : TokenFile.load(http.tokenFile());
    SSLContext tls =
        http.tls() == null
            ? null
            : PemFiles.serverContext(http.tls().certFile(), http.tls().keyFile());
    HttpServer server;
    try {
      if (tls == null) {
        server = HttpServer.create(address, 0);
      } else {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
    } catch (IOException e) {
      throw new OperationFailedException(
          "cannot serve HTTP on " + listen + ": " + e.getMessage(), e);
    }
    ExecutorService executor = pool(THREADS, "georep-http-");
    ExecutorService replies = pool(REPLY_THREADS, "georep-http-reply-");
    StatusServer statusServer =
        new StatusServer(
            server, executor, replies, sources, tokens, tls == null ? "http" : "https");
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

  /** {@code http://host:port} (or {@code https://}) of the bound address. */
  public URI uri() {
    String host = address().getAddress().getHostAddress();
    return URI.create(scheme + "://" + new HostPort(host, port()));
  }

  /** Stops at once: open connections are closed, the threads end. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    replies.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals(LINKS_PATH) || path.startsWith(LINKS_PATH + "/")) {
      if ("POST".equals(method) && !authorized(exchange)) {
        exchange.close();
      } else {
        links.handle(exchange, method, path.substring(LINKS_PATH.length()));
        // LinkControlApi closes the exchange, perhaps later
      }
      return;
    }
    try (exchange) {
      Route route = reads.get(path);
      if (path.equals(RELOAD_PATH)) {
        onReload(exchange, method);
      } else if (route == null) {
        respondError(exchange, 404, "no such path: " + path);
      } else if (!"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respondError(exchange, 405, method + " is not allowed on " + path + "; use GET");
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
        respondError(exchange, 500, "internal error: " + LinkControlApi.describe(e));
      }
    }
  }

  /** Answers 401 or 403 itself and returns false unless the request may change something. */
  private boolean authorized(HttpExchange exchange) throws IOException {
    if (tokens == null) {
      return true; // loopback only, checked at start
    }
    switch (tokens.check(exchange.getRequestHeaders().getFirst("Authorization"))) {
      case ACCEPTED:
        return true;
      case MISSING:
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"georep\"");
        respondError(
            exchange,
            401,
            "this call needs Authorization: Bearer <token> (a token of http.tokenFile)");
        return false;
      case REFUSED:
      default:
        respondError(exchange, 403, "the bearer token is not one of http.tokenFile's");
        return false;
    }
  }

  private void onReload(HttpExchange exchange, String method) throws IOException {
    if (!"POST".equals(method)) {
      exchange.getResponseHeaders().set("Allow", "POST");
      respondError(exchange, 405, method + " is not allowed on " + RELOAD_PATH + "; use POST");
    } else if (authorized(exchange)) {
      if (reload == null) {
        respondError(
            exchange,
            501,
            "this daemon was started without a configuration file to read again; restart it to"
                + " apply a changed configuration");
        return;
      }
      // On this HTTP thread: a reload drains the links it stops (up to a minute), and is rare.
      try {
        respondJson(exchange, 200, reload.get());
      } catch (InvalidConfigException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
            "error",
            e.getMessage() + ": " + String.join("; ", e.problems()) + "; nothing was changed");
        body.put("status", 400);
        body.put("problems", e.problems());
        respondJson(exchange, 400, body);
      } catch (LinkControl.LinkStateException e) {
        respondError(exchange, 409, e.getMessage());
      } catch (RuntimeException e) {
        log.warn("reload failed", e);
        respondError(exchange, 500, "reload failed: " + LinkControlApi.describe(e));
      }
    }
  }

  private static void onReady(HttpExchange exchange, boolean ready) throws IOException {
    respondJson(exchange, ready ? 200 : 503, Map.of("ready", ready));
  }

  /** {@code {"error": message, "status": code}}. */
  static void respondError(HttpExchange exchange, int code, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", code);
    respondJson(exchange, code, body);
  }

  static void respondJson(HttpExchange exchange, int code, Object body) throws IOException {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      log.warn("cannot write {} as JSON", body.getClass().getSimpleName(), e);
      code = 500;
      json = "{\"error\":\"cannot write the response as JSON\",\"status\":500}";
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

  /** A fixed pool of daemon threads whose idle threads end after a minute. */
  private static ExecutorService pool(int threads, String prefix) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            new DaemonThreads(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @FunctionalInterface
  private interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Daemon threads named {@code <prefix>N}: they never keep the JVM alive. */
  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();
    private final String prefix;

    DaemonThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
