package io.georep.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one configuration while it is read. */
final class Problems {
  private final List<ConfigProblem> problems = new ArrayList<>();

  void add(String path, int line, String message) {
    problems.add(new ConfigProblem(path, line, message));
  }

  int count() {
    return problems.size();
  }

  /** The problems in the order of their lines; problems of one line in the order found. */
  List<ConfigProblem> inFileOrder() {
    return problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
  }
}
