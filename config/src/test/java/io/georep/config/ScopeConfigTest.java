package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ScopeConfigTest {

  private static List<Pattern> patterns(String... regexes) {
    return java.util.Arrays.stream(regexes).map(Pattern::compile).toList();
  }

  private static ScopeConfig cluster(List<Pattern> include, List<Pattern> exclude) {
    return new ScopeConfig(true, List.of(), List.of(), include, exclude);
  }

  @Test
  void wholeClusterIncludesEveryPersistentTopic() {
    ScopeConfig scope = cluster(List.of(), List.of());

    assertThat(scope.includes("persistent://t/ns/a")).isTrue();
    assertThat(scope.includes("t/ns/a")).isTrue();
    assertThat(scope.includes("non-persistent://t/ns/a")).isFalse();
  }

  @Test
  void namespacesScopeIncludesOnlyItsNamespaces() {
    ScopeConfig scope =
        new ScopeConfig(false, List.of("sales/eu"), List.of(), List.of(), List.of());

    assertThat(scope.includes("persistent://sales/eu/orders")).isTrue();
    assertThat(scope.includes("persistent://sales/us/orders")).isFalse();
    assertThat(scope.includes("persistent://sales/eu-2/orders")).isFalse();
  }

  @Test
  void topicsScopeIncludesItsTopicsAndTheirPartitions() {
    ScopeConfig scope =
        new ScopeConfig(
            false, List.of(), List.of("t/ns/a", "persistent://t/ns/b"), List.of(), List.of());

    assertThat(scope.topics()).containsExactly("persistent://t/ns/a", "persistent://t/ns/b");
    assertThat(scope.includes("persistent://t/ns/a")).isTrue();
    assertThat(scope.includes("persistent://t/ns/a-partition-3")).isTrue();
    assertThat(scope.includes("persistent://t/ns/b")).isTrue();
    assertThat(scope.includes("persistent://t/ns/c")).isFalse();
    assertThat(scope.includes("persistent://t/other/a")).isFalse();
  }

  @Test
  void includeMatchesLocalNameNamespacedNameOrFullName() {
    assertThat(cluster(patterns("orders-.*"), List.of()).includes("persistent://t/ns/orders-eu"))
        .isTrue();
    assertThat(
            cluster(patterns("t/ns/orders-.*"), List.of()).includes("persistent://t/ns/orders-eu"))
        .isTrue();
    assertThat(
            cluster(patterns("persistent://t/ns/.*"), List.of())
                .includes("persistent://t/ns/orders-eu"))
        .isTrue();
    assertThat(cluster(patterns("orders-.*"), List.of()).includes("persistent://t/ns/audit"))
        .isFalse();
  }

  @Test
  void patternsMustMatchInFull() {
    ScopeConfig scope = cluster(patterns("orders"), List.of());

    assertThat(scope.includes("persistent://t/ns/orders")).isTrue();
    assertThat(scope.includes("persistent://t/ns/orders-eu")).isFalse();
    assertThat(scope.includes("persistent://t/ns/old-orders")).isFalse();
  }

  @Test
  void excludeWinsOverInclude() {
    ScopeConfig scope = cluster(patterns("orders-.*"), patterns(".*-tmp"));

    assertThat(scope.includes("persistent://t/ns/orders-eu")).isTrue();
    assertThat(scope.includes("persistent://t/ns/orders-eu-tmp")).isFalse();
  }

  @Test
  void excludeWithoutIncludeKeepsTheRest() {
    ScopeConfig scope = cluster(List.of(), patterns(".*-tmp", "t/private/.*"));

    assertThat(scope.includes("persistent://t/ns/orders")).isTrue();
    assertThat(scope.includes("persistent://t/ns/x-tmp")).isFalse();
    assertThat(scope.includes("persistent://t/private/anything")).isFalse();
  }

  @Test
  void partitionsAreMatchedByTheirPartitionedTopicToo() {
    ScopeConfig scope = cluster(patterns("orders"), patterns(".*-tmp"));

    assertThat(scope.includes("persistent://t/ns/orders-partition-0")).isTrue();
    assertThat(scope.includes("persistent://t/ns/orders-tmp-partition-1")).isFalse();
  }

  @Test
  void aScopeIsExactlyOneOfClusterNamespacesTopics() {
    assertThatThrownBy(() -> new ScopeConfig(false, List.of(), List.of(), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ScopeConfig(true, List.of("t/ns"), List.of(), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ScopeConfig(
                    false, List.of(), List.of("non-persistent://t/ns/x"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedTopicNamesAreRejected() {
    ScopeConfig scope = cluster(List.of(), List.of());

    assertThatThrownBy(() -> scope.includes("just-a-name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scope.includes("persistent://t/cluster/ns/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRunawayPatternIsCutOffAndNamed() {
    // ((a+)+)+b backtracks exponentially on a name of a's without a b (Java memoizes (a+)+b but
    // not this); validation refuses it, a scope built in code does not.
    ScopeConfig scope = cluster(patterns("((a+)+)+b"), List.of());
    String topic = "persistent://t/ns/" + "a".repeat(40);

    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> scope.includes(topic))
                .isInstanceOfSatisfying(
                    PatternTimeoutException.class,
                    e -> {
                      assertThat(e.topic()).isEqualTo(topic);
                      assertThat(e.pattern()).isEqualTo("((a+)+)+b");
                      assertThat(e.getMessage())
                          .contains("'((a+)+)+b'", topic, "took longer than 500 ms");
                    }));
    assertThat(scope.includes("persistent://t/ns/aab")).isTrue();
  }
}
