package io.georep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BacktrackingTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(a+)+",
        "(a*)*",
        "(.*a)*",
        "(.*)*",
        "(?:a+)+b",
        "^(\\d+)*$",
        "([a-z]+)*",
        "(a+){2,}",
        "(a+){1,100}",
        "((ab)*c)+",
        "(\\w+\\d)+",
        "orders-(x+x+)+y"
      })
  void nestedQuantifiersAreARisk(String regex) {
    Pattern.compile(regex);
    assertThat(Backtracking.risk(regex))
        .hasValueSatisfying(risk -> assertThat(risk).contains("nested quantifiers"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"(a|a)*", "(a|ab)+", "(x(a|a))*", "(\\d|[0-9a])+", "(a|a?)+", "(|a)*", "(.|a)*"})
  void repeatedAlternativesThatStartAlikeAreARisk(String regex) {
    Pattern.compile(regex);
    assertThat(Backtracking.risk(regex))
        .hasValueSatisfying(risk -> assertThat(risk).contains("alternatives that can match"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "orders-.*",
        ".*-tmp",
        "sales/.*/orders-[0-9]+",
        "(eu|us)-orders",
        "(foo|bar)*",
        "([a-z]|-)*",
        "(\\d|x)+",
        "(a+)++",
        "(a|a)*+",
        "(a+){2}",
        "a{2,5}",
        "\\Q(a+)+\\E",
        "[(a+)+]",
        "(?i)orders.*",
        "(?<region>eu|us)-.*",
        "persistent://t/ns/.*",
        ".*\\.tmp",
        "[^/]+/[^/]+/x"
      })
  void ordinaryPatternsAreNot(String regex) {
    Pattern.compile(regex);
    assertThat(Backtracking.risk(regex)).isEmpty();
  }
}
