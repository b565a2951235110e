package io.georep.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkFencesTest {
  @TempDir Path dir;

  private static final Instant AT = Instant.parse("2026-12-03T17:00:00.123456789Z");

  @Test
  void aFenceIsKeptAcrossReopeningUntilLifted() {
    try (StateStore store = StateStore.open(dir)) {
      store.linkFences().fence(new LinkFence("east-to-west", AT, "cutover to west"));
      store.linkFences().fence(new LinkFence("a", AT.plusSeconds(1), ""));
      assertThat(store.linkFences().fenceOf("east-to-west"))
          .contains(new LinkFence("east-to-west", AT, "cutover to west"));
    }
    try (StateStore store = StateStore.open(dir)) {
      assertThat(store.linkFences().all())
          .containsExactly(
              new LinkFence("a", AT.plusSeconds(1), ""),
              new LinkFence("east-to-west", AT, "cutover to west"));
      store.linkFences().unfence("east-to-west");
      store.linkFences().unfence("never-fenced"); // nothing to lift: no error
    }
    try (StateStore store = StateStore.open(dir)) {
      assertThat(store.linkFences().fenceOf("east-to-west")).isEmpty();
      assertThat(store.linkFences().all()).extracting(LinkFence::link).containsExactly("a");
    }
  }

  @Test
  void fencingAgainReplacesTheReason() {
    try (StateStore store = StateStore.open(dir)) {
      store.linkFences().fence(new LinkFence("l", AT, "first"));
      store.linkFences().fence(new LinkFence("l", AT.plusSeconds(5), "second"));
      assertThat(store.linkFences().all())
          .containsExactly(new LinkFence("l", AT.plusSeconds(5), "second"));
    }
  }

  @Test
  void aFenceOfANewerFormatIsRefusedByName() {
    byte[] value = LinkFences.encode(new LinkFence("l", AT, "r"));
    value[0] = 9;
    byte[] newer = value;
    assertThatThrownBy(() -> LinkFences.decode("l", newer))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("link l")
        .hasMessageContaining("version 9");
    byte[] truncated = java.util.Arrays.copyOf(LinkFences.encode(new LinkFence("l", AT, "r")), 5);
    assertThatThrownBy(() -> LinkFences.decode("l", truncated))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void badFencesAreRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> new LinkFence("", AT, "r"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinkFence("l", AT, "x".repeat(LinkFence.MAX_REASON_CHARS + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1000");
  }

  @Test
  void aReadOnlyStoreReadsFencesAndRefusesToLiftThem() {
    try (StateStore store = StateStore.open(dir)) {
      store.linkFences().fence(new LinkFence("l", AT, "r"));
      try (StateStore reader = StateStore.openReadOnly(dir)) {
        assertThat(reader.linkFences().fenceOf("l")).isPresent();
        assertThatThrownBy(() -> reader.linkFences().unfence("l"))
            .isInstanceOf(StateStoreException.class);
      }
    }
  }
}
