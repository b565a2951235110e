package io.georep.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.georep.replicator.AsyncFailures;
import io.georep.replicator.DaemonStatus;
import io.georep.replicator.DaemonStatus.LinkStatus;
import io.georep.replicator.DaemonStatus.TopicStatus;
import io.georep.replicator.LinkControl;
import io.georep.replicator.LinkControl.ControlState;
import io.georep.replicator.LinkState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API under {@code /api/v1/links}, on {@link LinkControl}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/links}: every link in brief, {@code {"links": [LinkSummary...]}};
 *   <li>{@code GET /api/v1/links/NAME}: one link with its partitions, a {@link LinkDetail};
 *   <li>{@code POST /api/v1/links/NAME/pause|resume|unfence}: the {@link LinkControl.Outcome};
 *   <li>{@code POST /api/v1/links/NAME/fence}, reason in {@code ?reason=} or {@code {"reason":
 *       "..."}}: the outcome;
 *   <li>{@code POST /api/v1/links/NAME/drain}, timeout in {@code ?timeout=30s} or {@code
 *       {"timeout": "30s"}} (default 30s, at most 1h): a {@link DrainReply}, 200 whether drained or
 *       not.
 * </ul>
 *
 * Unknown link 404, a state that forbids the call 409, a bad parameter or body 400, a daemon that
 * does not answer in time 504, a call the daemon does not support 501, any other failure 500 with
 * its message. The reply of a call is written on the reply executor when the daemon's future
 * completes, so no HTTP thread waits for the daemon. {@link StatusServer} checks the bearer token
 * before a call gets here.
 */
public final class LinkControlApi {
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);

  /** How long a call other than drain may take before it answers 504. */
  public static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(LinkControlApi.class);
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Set<String> ACTIONS = Set.of("pause", "resume", "drain", "fence", "unfence");

  /**
   * One link in brief: {@code controlState} is null for a stopped link; {@code backlog} is null
   * while no partition's backlog has been read; {@code maxLagMillis} is the largest lag of its
   * partitions.
   */
  public record LinkSummary(
      String name,
      String source,
      String target,
      LinkState state,
      ControlState controlState,
      int partitions,
      long inFlight,
      Long backlog,
      long maxLagMillis,
      String lastError) {}

  /** One link and its partitions. */
  public record LinkDetail(LinkSummary link, List<TopicStatus> topics) {}

  /** {@link LinkControl.DrainOutcome} as JSON: the wait in milliseconds. */
  public record DrainReply(
      String link,
      boolean drained,
      long waitedMillis,
      int partitions,
      long inFlight,
      long backlog,
      long maxLagMillis) {
    static DrainReply of(LinkControl.DrainOutcome outcome) {
      return new DrainReply(
          outcome.link(),
          outcome.drained(),
          outcome.waited().toMillis(),
          outcome.partitions(),
          outcome.inFlight(),
          outcome.backlog(),
          outcome.maxLagMillis());
    }
  }

  /** A request this API refuses with a 4xx status. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final Supplier<DaemonStatus> status;
  private final LinkControl control;
  private final Executor replies;

  LinkControlApi(Supplier<DaemonStatus> status, LinkControl control, Executor replies) {
    this.status = status;
    this.control = control;
    this.replies = replies;
  }

  /**
   * Serves {@code method} on {@code rest}, the path after {@code /api/v1/links}; closes the
   * exchange once it has answered, which for a call is after the daemon's future completed.
   */
  void handle(HttpExchange exchange, String method, String rest) throws IOException {
    List<String> segments =
        rest.isEmpty() || rest.equals("/") ? List.of() : List.of(rest.substring(1).split("/", -1));
    boolean isCall = segments.size() == 2;
    if (segments.size() > 2 || segments.stream().anyMatch(String::isEmpty)) {
      answer(exchange, new BadRequest(404, "no such path: " + exchange.getRequestURI().getPath()));
    } else if (isCall && !ACTIONS.contains(segments.get(1))) {
      answer(
          exchange,
          new BadRequest(
              404,
              "no action '"
                  + segments.get(1)
                  + "'; the actions are pause, resume, drain, fence and unfence"));
    } else if (!method.equals(isCall ? "POST" : "GET")) {
      exchange.getResponseHeaders().set("Allow", isCall ? "POST" : "GET");
      answer(
          exchange,
          new BadRequest(405, method + " is not allowed here; use " + (isCall ? "POST" : "GET")));
    } else if (segments.isEmpty()) {
      answer(exchange, () -> Map.of("links", summaries()));
    } else if (!isCall) {
      answer(exchange, () -> detail(segments.get(0)));
    } else {
      call(exchange, segments.get(0), segments.get(1));
    }
  }

  private List<LinkSummary> summaries() {
    return status.get().links().stream().map(this::summary).toList();
  }

  private LinkDetail detail(String name) {
    DaemonStatus daemon = status.get();
    return daemon.links().stream()
        .filter(link -> link.name().equals(name))
        .findFirst()
        .map(link -> new LinkDetail(summary(link), link.topics()))
        .orElseThrow(
            () ->
                new LinkControl.UnknownLinkException(
                    name, daemon.links().stream().map(LinkStatus::name).toList()));
  }

  private LinkSummary summary(LinkStatus link) {
    List<TopicStatus> topics = link.topics();
    long inFlight = topics.stream().mapToLong(TopicStatus::inFlight).sum();
    List<Long> backlogs =
        topics.stream().map(TopicStatus::backlogMessages).filter(b -> b >= 0).toList();
    Long backlog = backlogs.isEmpty() ? null : backlogs.stream().mapToLong(Long::longValue).sum();
    long maxLag = topics.stream().mapToLong(TopicStatus::lagMillis).max().orElse(0);
    return new LinkSummary(
        link.name(),
        link.source(),
        link.target(),
        link.state(),
        controlState(link.state()),
        topics.size(),
        inFlight,
        backlog,
        maxLag,
        link.lastError());
  }

  /**
   * The control state the link's status shows: the engine reports a paused or fenced link as {@code
   * PAUSED} or {@code FENCED} before any other state; null for a stopped link.
   */
  private static ControlState controlState(LinkState state) {
    return switch (state) {
      case PAUSED -> ControlState.PAUSED;
      case FENCED -> ControlState.FENCED;
      case STOPPED -> null;
      default -> ControlState.ACTIVE;
    };
  }

  private void call(HttpExchange exchange, String link, String action) throws IOException {
    CompletableFuture<Object> reply;
    try {
      Map<String, String> parameters = parameters(exchange, action);
      reply = invoke(link, action, parameters);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenCompleteAsync(
        (body, failure) -> {
          try {
            if (failure == null) {
              try (exchange) {
                StatusServer.respondJson(exchange, 200, body);
              }
            } else {
              answer(exchange, AsyncFailures.unwrap(failure), action + " of link '" + link + "'");
            }
          } catch (IOException e) {
            log.debug("cannot answer {} of link {}: {}", action, link, e.toString());
          }
        },
        replies);
  }

  private CompletableFuture<Object> invoke(
      String link, String action, Map<String, String> parameters) {
    Duration timeout = CALL_TIMEOUT;
    CompletionStage<?> stage;
    switch (action) {
      case "pause" -> stage = control.pause(link);
      case "resume" -> stage = control.resume(link);
      case "unfence" -> stage = control.unfence(link);
      case "fence" ->
          stage = control.fence(link, parameters.getOrDefault("reason", "no reason given"));
      case "drain" -> {
        Duration drain = drainTimeout(parameters.get("timeout"));
        timeout = drain.plus(CALL_TIMEOUT);
        stage = control.drain(link, drain).thenApply(DrainReply::of);
      }
      default -> throw new IllegalStateException("action " + action + " is not handled");
    }
    Duration limit = timeout;
    return stage
        .toCompletableFuture()
        .<Object>thenApply(outcome -> outcome)
        .orTimeout(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static Duration drainTimeout(String text) {
    if (text == null) {
      return DEFAULT_DRAIN_TIMEOUT;
    }
    Duration timeout;
    try {
      timeout = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "timeout: " + e.getMessage());
    }
    if (timeout.isZero() || timeout.compareTo(MAX_DRAIN_TIMEOUT) > 0) {
      throw new BadRequest(
          400, "timeout: must be more than 0 and at most 1h, found '" + text + "'");
    }
    return timeout;
  }

  /**
   * The call's parameters, from the query and from a JSON object body ({@code timeout} for drain,
   * {@code reason} for fence; others take none).
   */
  private static Map<String, String> parameters(HttpExchange exchange, String action)
      throws IOException {
    Set<String> allowed =
        switch (action) {
          case "drain" -> Set.of("timeout");
          case "fence" -> Set.of("reason");
          default -> Set.of();
        };
    Map<String, String> parameters = new LinkedHashMap<>();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String key = decode(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        parameters.put(checked(key, allowed, action), value);
      }
    }
    byte[] body = body(exchange);
    if (body.length > 0) {
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new BadRequest(400, "the body is not JSON");
      }
      if (json != null && !json.isMissingNode()) {
        if (!json.isObject()) {
          throw new BadRequest(400, "the body must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          if (!field.getValue().isTextual()) {
            throw new BadRequest(400, field.getKey() + ": must be a string");
          }
          parameters.put(checked(field.getKey(), allowed, action), field.getValue().asText());
        }
      }
    }
    return parameters;
  }

  private static String checked(String key, Set<String> allowed, String action) {
    if (!allowed.contains(key)) {
      throw new BadRequest(
          400,
          "unknown parameter '"
              + key
              + "' for "
              + action
              + (allowed.isEmpty()
                  ? ", which takes none"
                  : "; it takes " + String.join(", ", allowed)));
    }
    return key;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "the query is not URL-encoded");
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new BadRequest(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return body;
    }
  }

  /** Answers a read, or its failure, and closes the exchange. */
  private static void answer(HttpExchange exchange, Supplier<Object> read) throws IOException {
    Object body;
    try {
      body = read.get();
    } catch (RuntimeException e) {
      answer(exchange, e, "reading the links");
      return;
    }
    try (exchange) {
      StatusServer.respondJson(exchange, 200, body);
    }
  }

  private static void answer(HttpExchange exchange, BadRequest refusal) throws IOException {
    answer(exchange, refusal, "");
  }

  /** Answers a failure with its status and message, and closes the exchange. */
  private static void answer(HttpExchange exchange, Throwable failure, String what)
      throws IOException {
    int code;
    String message;
    if (failure instanceof BadRequest refusal) {
      code = refusal.status;
      message = refusal.getMessage();
    } else if (failure instanceof LinkControl.UnknownLinkException) {
      code = 404;
      message = failure.getMessage();
    } else if (failure instanceof LinkControl.LinkStateException) {
      code = 409;
      message = failure.getMessage();
    } else if (failure instanceof UnsupportedOperationException) {
      code = 501;
      message = what + ": " + describe(failure);
    } else if (failure instanceof TimeoutException) {
      code = 504;
      message = what + ": the daemon did not answer in time";
    } else {
      code = 500;
      message = what + " failed: " + describe(failure);
      log.warn("{} failed", what, failure);
    }
    try (exchange) {
      StatusServer.respondError(exchange, code, message);
    }
  }

  /** A failure's message, or its type when it has none; never its stack trace. */
  public static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
