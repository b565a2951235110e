package io.georep.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One execution of the {@code georep} command line in this JVM, with what it printed. Its {@link
 * #toString()} shows everything, for assertion descriptions: {@code
 * assertThat(run.exitCode()).as(run::toString)}.
 */
record CliRun(String[] args, int exitCode, String out, String err) {

  static CliRun execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        Georep.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new CliRun(args, exitCode, out.toString(), err.toString());
  }

  /** Both streams: for assertions that must hold whatever the stream. */
  String output() {
    return out + err;
  }

  @Override
  public String toString() {
    return "georep "
        + String.join(" ", args)
        + "\nexit code: "
        + exitCode
        + "\n--- stdout ---\n"
        + out
        + "--- stderr ---\n"
        + err;
  }
}
