package io.georep.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.georep.cli.Georep;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code georep sandbox}, the README's first command, end to end on a short run. */
class SandboxIT {
  @TempDir Path dir;

  @Test
  void sandboxReplicatesAndVerifiesFromTheTarget() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        Georep.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("sandbox", "--duration", "8s", "--rate", "500", "--dir", dir.toString());
    String transcript = "--- stdout ---\n" + out + "--- stderr ---\n" + err;

    assertThat(exitCode).as(transcript).isZero();
    assertThat(out.toString())
        .as(transcript)
        .contains("produced (acknowledged by east)")
        .containsPattern("missing\\s+0\\n")
        .containsPattern("order violations \\(per key\\)\\s+0\\n")
        .containsPattern("payload mismatches\\s+0\\n")
        .contains("RESULT: OK");
    // Live progress was shown, with replication under way.
    assertThat(out.toString()).as(transcript).containsPattern("replicated\\s+[1-9][\\d,]*");
  }
}
