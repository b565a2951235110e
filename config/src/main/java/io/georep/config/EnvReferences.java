package io.georep.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a scalar by the value of an environment
 * variable (the default applies when the variable is unset or empty). Substitution is done once: a
 * value that itself contains {@code ${...}} is taken as it is. Problems name the variable, never a
 * value.
 */
final class EnvReferences {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String DEFAULT_SEPARATOR = ":-";

  private final Map<String, String> environment;

  EnvReferences(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * The text with its references replaced, or empty after reporting each bad reference to {@code
   * problems}.
   */
  Optional<String> substitute(String text, Consumer<String> problems) {
    if (!text.contains("${")) {
      return Optional.of(text);
    }
    boolean ok = true;
    if (REFERENCE.matcher(text).replaceAll("").contains("${")) {
      problems.accept("'${' without a closing '}'");
      ok = false;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      Optional<String> value = resolve(matcher.group(1), problems);
      ok &= value.isPresent();
      matcher.appendReplacement(result, Matcher.quoteReplacement(value.orElse("")));
    }
    matcher.appendTail(result);
    return ok ? Optional.of(result.toString()) : Optional.empty();
  }

  private Optional<String> resolve(String reference, Consumer<String> problems) {
    int separator = reference.indexOf(DEFAULT_SEPARATOR);
    String name = separator < 0 ? reference : reference.substring(0, separator);
    if (!NAME.matcher(name).matches()) {
      problems.accept(
          "'" + name + "' is not an environment variable name; write ${NAME} or ${NAME:-default}");
      return Optional.empty();
    }
    String value = environment.get(name);
    if (separator >= 0 && (value == null || value.isEmpty())) {
      return Optional.of(reference.substring(separator + DEFAULT_SEPARATOR.length()));
    }
    if (value == null) {
      problems.accept("environment variable " + name + " is not set");
      return Optional.empty();
    }
    return Optional.of(value);
  }
}
