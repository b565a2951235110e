package io.georep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code georep status}: asks a running daemon what it replicates and prints it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows the links and topics of a running georep daemon, from its status API.")
final class StatusCommand implements Callable<Integer> {
  static final String STATUS_PATH = "/api/v1/status";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  enum Output {
    TABLE,
    JSON
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:9464",
      description = {"The daemon's HTTP endpoint.", "Default: ${DEFAULT-VALUE}"})
  URI url;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "table|json",
      defaultValue = "table",
      description = "A table for people (the default) or the status API's JSON.")
  Output output;

  @Override
  public Integer call() {
    JsonNode status = fetch();
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case JSON -> out.println(status.toPrettyString());
      case TABLE -> StatusTable.lines(status).forEach(out::println);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private JsonNode fetch() {
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null) {
      throw new ParameterException(
          spec.commandLine(), "--url must look like http://host:port, not '" + url + "'");
    }
    URI statusUri = URI.create(url.toString().replaceAll("/+$", "") + STATUS_PATH);
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(statusUri)
            .timeout(TIMEOUT)
            .header("Accept", StatusServer.JSON_CONTENT_TYPE)
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DaemonUnreachableException(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailedException("interrupted while asking " + statusUri, e);
    }
    if (response.statusCode() != 200) {
      throw new OperationFailedException(
          statusUri
              + " answered HTTP "
              + response.statusCode()
              + ": "
              + abbreviate(response.body()));
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new OperationFailedException(
          statusUri + " answered something that is not JSON: " + abbreviate(response.body()), e);
    }
  }

  private static String abbreviate(String body) {
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
