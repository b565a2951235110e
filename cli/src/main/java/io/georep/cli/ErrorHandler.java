package io.georep.cli;

import io.georep.daemon.ExitCodes;
import io.georep.daemon.GeorepException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParseResult;

/**
 * The one place where a failed command becomes output and an exit code: a {@link GeorepException}
 * carries its own code, a {@link CommandLine.ParameterException} is a usage error, anything else a
 * runtime failure. Prints {@code error: <message>} on stderr, the exception's detail lines under
 * it, and the stack trace only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IExitCodeExceptionMapper {

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println("error: " + message(exception));
    if (exception instanceof GeorepException cliException) {
      cliException.details().forEach(line -> err.println("  - " + line));
    }
    if (verbose(parseResult)) {
      exception.printStackTrace(err);
    }
    err.flush();
    return getExitCode(exception);
  }

  @Override
  public int getExitCode(Throwable exception) {
    if (exception instanceof GeorepException cliException) {
      return cliException.exitCode();
    }
    if (exception instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.FAILURE;
  }

  private static String message(Throwable exception) {
    String message = exception.getMessage();
    return message == null || message.isBlank() ? exception.toString() : message;
  }

  /** {@code --verbose} may be given before or after the subcommand. */
  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
      if (result.hasMatchedOption(Georep.VERBOSE)) {
        return true;
      }
    }
    return false;
  }
}
