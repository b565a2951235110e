package io.georep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final StringWriter text = new StringWriter();
  private final PrintWriter err = new PrintWriter(text);

  @Test
  void onATerminalOneLineShowsCountRateAndTimeLeftAtMostFiveTimesASecond() {
    ConsoleProgress progress = ConsoleProgress.of(err, true, clock::get);
    progress.started("apply", 1000);

    clock.addAndGet(2 * SECOND);
    for (int i = 0; i < 20; i++) {
      progress.advanced("apply", "item " + i); // the first draws; the rest within 200 ms do not
    }
    assertThat(redraws()).containsExactly("apply              1/1,000     0.5/s  ETA 33m18s ");

    clock.addAndGet(SECOND / 2);
    progress.advanced("apply", "item 20");
    // 21 done in 2.5 s: 8.4/s; 979 left: 117 s
    assertThat(lastRedraw()).isEqualTo("apply             21/1,000     8.4/s  ETA 1m57s  ");

    for (int i = 21; i < 1000; i++) {
      progress.advanced("apply", "item " + i); // no time passes: only the last one draws
    }
    assertThat(lastRedraw()).startsWith("apply          1,000/1,000     400/s  ETA 0s");
    assertThat(redraws()).hasSize(3);
    progress.finished("apply");
    assertThat(text.toString()).endsWith(System.lineSeparator());
    assertThat(text.toString()).doesNotContain("item ");
  }

  @Test
  void withoutATerminalEachAppliedItemIsALineAndReadsLogTheirCountEveryTenSeconds() {
    ConsoleProgress progress = ConsoleProgress.of(err, false, clock::get);

    progress.started("read east", 3000);
    for (int i = 0; i < 3000; i++) {
      clock.addAndGet(SECOND / 100); // 100 topics a second
      progress.advanced("read east", "persistent://t/ns/topic-" + i);
    }
    progress.finished("read east");
    progress.started("apply", 2);
    progress.advanced("apply", "CREATE namespace t/ns");
    progress.advanced("apply", "CREATE topic persistent://t/ns/a");
    progress.finished("apply");

    assertThat(text.toString().lines())
        .containsExactly(
            "read east: 3000 topics",
            "read east 1,000/3,000 topics (100/s)",
            "read east 2,000/3,000 topics (100/s)",
            "read east: done",
            "apply: 2 items",
            "apply 1/2: CREATE namespace t/ns",
            "apply 2/2: CREATE topic persistent://t/ns/a",
            "apply: done");
  }

  @Test
  void timeLeftReadsAsSecondsMinutesOrHours() {
    assertThat(ConsoleProgress.duration(0)).isEqualTo("0s");
    assertThat(ConsoleProgress.duration(59)).isEqualTo("59s");
    assertThat(ConsoleProgress.duration(125)).isEqualTo("2m05s");
    assertThat(ConsoleProgress.duration(3720)).isEqualTo("1h02m");
  }

  private java.util.List<String> redraws() {
    err.flush();
    String all = text.toString();
    return java.util.Arrays.stream(all.split("\r")).filter(s -> !s.isEmpty()).toList();
  }

  private String lastRedraw() {
    var all = redraws();
    return all.get(all.size() - 1);
  }
}
