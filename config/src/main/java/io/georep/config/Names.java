package io.georep.config;

import java.util.regex.Pattern;

/**
 * The names a configuration gives to clusters and links, which end up in subscription and producer
 * names.
 */
final class Names {
  static final String RULE =
      "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private Names() {}

  static boolean isValid(String name) {
    return NAME.matcher(name).matches();
  }
}
