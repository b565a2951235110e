package io.georep.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The PromQL queries of the Grafana dashboard ({@value #DASHBOARD}) and the Prometheus alert rules
 * ({@value #ALERTS}), and the checks on them: the alert file's structure, and that every metric
 * they query is one a daemon's {@code /metrics} exposes.
 */
final class OpsQueries {
  static final String DASHBOARD = "ops/grafana/georep-dashboard.json";
  static final String ALERTS = "ops/prometheus/georep-alerts.yaml";

  /** One query and where it is: a panel and its refId, a template variable, an alert. */
  record Query(String where, String expr) {}

  /** A metric a query selects that {@code /metrics} lacks. */
  record Unknown(String metric, String where) {
    @Override
    public String toString() {
      return where + " queries " + metric;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("(?s)\\s*label_values\\s*\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*");
  private static final Pattern QUERY_RESULT =
      Pattern.compile("(?s)\\s*query_result\\s*\\((.*)\\)\\s*");
  private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]");

  private OpsQueries() {}

  /** The repository's root: the nearest directory up from here that holds {@code ops/}. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("ops"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no ops/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static String read(String relative) {
    try {
      return Files.readString(repositoryRoot().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every query of the dashboard and of the alert rules in the repository. */
  static List<Query> all() {
    List<Query> queries = new ArrayList<>(dashboardQueries(read(DASHBOARD)));
    queries.addAll(alertQueries(read(ALERTS)));
    return queries;
  }

  /**
   * The {@code expr} of every panel target (rows' nested panels included) and the metric selector
   * of every query variable ({@code label_values(selector, label)}, {@code query_result(expr)}).
   */
  static List<Query> dashboardQueries(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("dashboard is not JSON: " + e.getMessage(), e);
    }
    List<Query> queries = new ArrayList<>();
    collectPanels(root.path("panels"), queries);
    for (JsonNode variable : root.path("templating").path("list")) {
      if (!"query".equals(variable.path("type").asText())) {
        continue;
      }
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      String where = "variable $" + variable.path("name").asText();
      Matcher m = LABEL_VALUES.matcher(text);
      Matcher r = QUERY_RESULT.matcher(text);
      if (m.matches()) {
        queries.add(new Query(where, m.group(1)));
      } else if (r.matches()) {
        queries.add(new Query(where, r.group(1)));
      } else if (!text.isBlank() && !text.trim().startsWith("label_values(")) {
        throw new IllegalArgumentException(where + ": a variable query not understood: " + text);
      }
    }
    return queries;
  }

  private static void collectPanels(JsonNode panels, List<Query> queries) {
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          queries.add(
              new Query(
                  "panel '" + title + "' " + target.path("refId").asText(),
                  target.path("expr").asText()));
        }
      }
      collectPanels(panel.path("panels"), queries);
    }
  }

  /** The {@code expr} of every rule. */
  static List<Query> alertQueries(String yaml) {
    List<Query> queries = new ArrayList<>();
    for (Object group : list(map(load(yaml)).get("groups"))) {
      for (Object rule : list(map(group).get("rules"))) {
        Map<?, ?> r = map(rule);
        queries.add(new Query("alert " + r.get("alert"), String.valueOf(r.get("expr"))));
      }
    }
    return queries;
  }

  /**
   * What is wrong with an alert rules file, all at once: each group needs a {@code name} and {@code
   * rules}; each rule an {@code alert} name (unique), an {@code expr} that selects at least one
   * metric, a {@code for} duration, {@code labels.severity} (critical, warning or info) and {@code
   * annotations.summary} and {@code description}.
   */
  static List<String> alertRuleProblems(String yaml) {
    List<String> problems = new ArrayList<>();
    Object root = load(yaml);
    if (!(root instanceof Map<?, ?> top) || !(top.get("groups") instanceof List<?> groups)) {
      return List.of("no top-level 'groups' list");
    }
    if (groups.isEmpty()) {
      problems.add("'groups' is empty");
    }
    Set<String> names = new HashSet<>();
    for (int g = 0; g < groups.size(); g++) {
      String at = "groups[" + g + "]";
      if (!(groups.get(g) instanceof Map<?, ?> group)) {
        problems.add(at + ": not a mapping");
        continue;
      }
      if (!nonBlank(group.get("name"))) {
        problems.add(at + ": no name");
      }
      if (!(group.get("rules") instanceof List<?> rules) || rules.isEmpty()) {
        problems.add(at + ": no rules");
        continue;
      }
      for (int i = 0; i < rules.size(); i++) {
        String ruleAt = at + ".rules[" + i + "]";
        if (!(rules.get(i) instanceof Map<?, ?> rule)) {
          problems.add(ruleAt + ": not a mapping");
          continue;
        }
        ruleProblems(ruleAt, rule, names, problems);
      }
    }
    return problems;
  }

  private static void ruleProblems(
      String at, Map<?, ?> rule, Set<String> names, List<String> problems) {
    Object alert = rule.get("alert");
    if (!nonBlank(alert)) {
      problems.add(at + ": no alert name");
    } else {
      at = at + " (" + alert + ")";
      if (!names.add(alert.toString())) {
        problems.add(at + ": alert name used twice");
      }
    }
    Object expr = rule.get("expr");
    if (!nonBlank(expr)) {
      problems.add(at + ": no expr");
    } else {
      try {
        if (PromQl.metricNames(expr.toString()).isEmpty()) {
          problems.add(at + ": expr selects no metric");
        }
      } catch (IllegalArgumentException e) {
        problems.add(at + ": expr: " + e.getMessage());
      }
    }
    Object forDuration = rule.get("for");
    if (forDuration == null || !DURATION.matcher(forDuration.toString()).matches()) {
      problems.add(at + ": 'for' is not a duration: " + forDuration);
    }
    Object severity =
        rule.get("labels") instanceof Map<?, ?> labels ? labels.get("severity") : null;
    if (severity == null || !SEVERITIES.contains(severity.toString())) {
      problems.add(at + ": labels.severity is not one of " + new TreeSet<>(SEVERITIES));
    }
    Map<?, ?> annotations = rule.get("annotations") instanceof Map<?, ?> a ? a : Map.of();
    for (String key : List.of("summary", "description")) {
      if (!nonBlank(annotations.get(key))) {
        problems.add(at + ": no annotations." + key);
      }
    }
  }

  /** The names of the samples in a Prometheus text exposition (what a query can select). */
  static Set<String> exposedNames(String metricsText) {
    Set<String> names = new HashSet<>();
    for (String line : metricsText.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Each metric some query selects that {@code exposed} lacks, with the query's place. */
  static List<Unknown> unknownMetrics(List<Query> queries, Set<String> exposed) {
    List<Unknown> unknown = new ArrayList<>();
    for (Query query : queries) {
      for (String metric : PromQl.metricNames(query.expr())) {
        if (!exposed.contains(metric)) {
          unknown.add(new Unknown(metric, query.where()));
        }
      }
    }
    return unknown;
  }

  /**
   * Why a Micrometer meter (e.g. {@code georep.events}) is not both documented in {@code docs/*.md}
   * (as {@code `name`}) and registered by a module's main code (as {@code "name"}); empty if it is.
   * For the few meters a test's daemon does not register because nothing provoked them.
   */
  static List<String> undocumentedOrUnregistered(String meter) {
    Path root = repositoryRoot();
    List<String> problems = new ArrayList<>();
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      if (docs.filter(p -> p.toString().endsWith(".md"))
          .noneMatch(p -> contains(p, "`" + meter + "`"))) {
        problems.add(meter + " is in no docs/*.md");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> sources = Files.walk(root)) {
      if (sources
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .noneMatch(p -> contains(p, "\"" + meter + "\""))) {
        problems.add(meter + " is registered by no main code");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return problems;
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object load(String yaml) {
    return new Load(LoadSettings.builder().build()).loadFromString(yaml);
  }

  private static Map<?, ?> map(Object o) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException("expected a mapping, found " + o);
  }

  private static List<?> list(Object o) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException("expected a list, found " + o);
  }

  private static boolean nonBlank(Object o) {
    return o instanceof String s && !s.isBlank();
  }
}
