package io.georep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.georep.daemon.Json;
import io.georep.daemon.OperationFailedException;
import io.georep.daemon.StatusServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Calls a running daemon's HTTP API and turns its answers into JSON or the command's failure: no
 * daemon → {@link DaemonUnreachableException} (4); 401 or 403 → {@link DaemonRefusedException} (5)
 * naming {@code --token-file}; 400 or 404 (bad parameter, unknown link) → a usage error (2); any
 * other failure → {@link OperationFailedException} (3) with the daemon's message.
 */
final class DaemonClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI url;
  private final Optional<String> token;
  private final Path tokenFile;
  private final HttpClient http;
  private final CommandLine commandLine;

  DaemonClient(
      URI url, Optional<String> token, Path tokenFile, SSLContext tls, CommandLine commandLine) {
    this.url = url;
    this.token = token;
    this.tokenFile = tokenFile;
    this.commandLine = commandLine;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  /** {@code GET path}. */
  JsonNode get(String path) {
    return send(request(path, TIMEOUT).GET().build());
  }

  /** {@code POST path} with these fields as a JSON object body; waits at most {@code timeout}. */
  JsonNode post(String path, Map<String, String> body, Duration timeout) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is JSON", e);
    }
    HttpRequest.Builder request =
        request(path, timeout)
            .header("Content-Type", StatusServer.JSON_CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(json));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return send(request.build());
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    URI uri = URI.create(url.toString().replaceAll("/+$", "") + path);
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", StatusServer.JSON_CONTENT_TYPE);
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DaemonUnreachableException(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailedException("interrupted while asking " + request.uri(), e);
    }
    int status = response.statusCode();
    String message = errorMessage(response.body());
    switch (status) {
      case 200 -> {
        return parse(request.uri(), response.body());
      }
      case 401 ->
          throw new DaemonRefusedException(
              "the daemon at "
                  + url
                  + " needs a bearer token for this: give --token-file FILE (or GEOREP_TOKEN_FILE)"
                  + " with a token of its http.tokenFile");
      case 403 ->
          throw new DaemonRefusedException(
              "the daemon at "
                  + url
                  + " refused the token of --token-file "
                  + tokenFile
                  + ": it is not one of its http.tokenFile's");
      case 400, 404 -> throw new ParameterException(commandLine, message);
      default ->
          throw new OperationFailedException(
              request.method() + " " + request.uri() + " answered HTTP " + status + ": " + message);
    }
  }

  private static JsonNode parse(URI uri, String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new OperationFailedException(
          uri + " answered something that is not JSON: " + abbreviate(body), e);
    }
  }

  /** The {@code error} of a JSON error body, or the body itself, on one line. */
  private static String errorMessage(String body) {
    try {
      JsonNode error = Json.MAPPER.readTree(body).path("error");
      if (error.isTextual()) {
        return error.asText();
      }
    } catch (JsonProcessingException e) {
      // not JSON: show the body
    }
    return abbreviate(body);
  }

  static String abbreviate(String body) {
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
