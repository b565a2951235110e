package io.georep.cli;

import io.georep.daemon.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --url}, {@code --token-file} and {@code --ca-file}: where a running daemon's HTTP endpoint
 * is and how to reach it, shared by the commands that talk to one.
 */
final class DaemonEndpointOptions {
  static final String DEFAULT_URL = "http://127.0.0.1:9464";

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:GEOREP_URL:-" + DEFAULT_URL + "}",
      description = {
        "The daemon's HTTP endpoint (http.listen of its configuration); environment GEOREP_URL.",
        "Default: ${DEFAULT-VALUE}"
      })
  URI url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      defaultValue = "${env:GEOREP_TOKEN_FILE}",
      description =
          "A file whose first line (blank lines and # comments skipped) is a bearer token of the"
              + " daemon's http.tokenFile; needed to change anything when the daemon has one."
              + " Environment GEOREP_TOKEN_FILE.")
  Path tokenFile;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description =
          "PEM certificates to trust for an https:// --url (default: the JVM's trust store).")
  Path caFile;

  /**
   * A client of the daemon at {@link #url}.
   *
   * @throws ParameterException if the URL is not http(s)://host[:port] or a file cannot be read
   */
  DaemonClient client(CommandLine commandLine) {
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null) {
      throw new ParameterException(
          commandLine, "--url must look like http://host:port, not '" + url + "'");
    }
    SSLContext tls = caFile == null ? null : PemFiles.trusting(caFile);
    return new DaemonClient(url, token(commandLine), tokenFile, tls, commandLine);
  }

  private Optional<String> token(CommandLine commandLine) {
    if (tokenFile == null) {
      return Optional.empty();
    }
    try {
      return Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .findFirst()
          .or(
              () -> {
                throw new ParameterException(
                    commandLine, "--token-file " + tokenFile + " holds no token");
              });
    } catch (IOException e) {
      throw new ParameterException(
          commandLine, "cannot read --token-file " + tokenFile + ": " + e.getMessage());
    }
  }
}
