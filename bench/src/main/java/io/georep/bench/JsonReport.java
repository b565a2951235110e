package io.georep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results as JSON: the machine and settings, per workload every summary (median, min, max, n)
 * and ratio of medians, the targets, and every trial's raw values.
 */
final class JsonReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  static String render(Results results, Map<String, Object> run) {
    ObjectNode root = JSON.createObjectNode();
    root.set("run", JSON.valueToTree(run));
    ArrayNode contenderLabels = root.putArray("contenders");
    results.contenders().forEach(c -> contenderLabels.add(c.label()));
    ArrayNode workloads = root.putArray("workloads");
    for (Workload w : results.workloads()) {
      ObjectNode node = workloads.addObject();
      node.put("id", w.id());
      node.put("label", w.label());
      node.put("messageBytes", w.messageBytes());
      node.put("partitions", w.partitions());
      Double rate = results.latencyRates().get(w.id());
      if (rate != null) {
        node.put("latencyPhaseRate", rate);
      }
      ObjectNode contenders = node.putObject("contenders");
      results
          .summaries(w)
          .forEach(
              (contender, metrics) -> {
                ObjectNode c = contenders.putObject(contender);
                metrics.forEach(
                    (metric, s) -> {
                      ObjectNode m = c.putObject(metric);
                      number(m, "median", s.median());
                      number(m, "min", s.min());
                      number(m, "max", s.max());
                      m.put("n", s.n());
                    });
              });
      ratios(node.putObject("ratios"), results, w);
    }
    ArrayNode targets = root.putArray("targets");
    for (Target target : Target.ALL) {
      for (Target.Outcome o : target.evaluate(results)) {
        ObjectNode t = targets.addObject();
        t.put("id", target.id());
        t.put("goal", target.goal());
        t.put("workload", o.workload());
        number(t, target.versus() == null ? "value" : "ratio", o.value());
        t.put("threshold", target.threshold());
        if (o.measured()) {
          t.put("met", o.met());
        } else {
          t.putNull("met");
        }
      }
    }
    ArrayNode trials = root.putArray("trials");
    for (TrialResult r : results.trials()) {
      ObjectNode t = trials.addObject();
      t.put("workload", r.workload());
      t.put("contender", r.contender().label());
      t.put("repetition", r.repetition());
      ObjectNode values = t.putObject("values");
      for (Metric m : Metric.values()) {
        Double v = r.values().get(m);
        if (v != null) {
          number(values, m.key(), v);
        }
      }
      ArrayNode notes = t.putArray("notes");
      r.notes().forEach(notes::add);
      t.set("marks", JSON.valueToTree(r.marks()));
      t.set("arrivalsPerSecond", JSON.valueToTree(r.arrivals()));
    }
    ObjectNode unavailable = root.putObject("unavailable");
    results.unavailable().forEach((c, why) -> unavailable.put(c.label(), why));
    if (!results.memoryScales().isEmpty()) {
      root.set("memoryScales", JSON.valueToTree(results.memoryScales()));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the results as JSON", e);
    }
  }

  /**
   * The results of a run read back from what {@link #render} wrote, so that the tables can be
   * rendered again (by {@code bin/georep-bench --render FILE}).
   */
  static Results read(String json) throws java.io.IOException {
    JsonNode root = JSON.readTree(json);
    List<Workload> workloads = new ArrayList<>();
    Map<String, Double> latencyRates = new LinkedHashMap<>();
    for (JsonNode w : root.path("workloads")) {
      Workload workload = Workload.byId(w.path("id").asText());
      workloads.add(workload);
      if (w.has("latencyPhaseRate")) {
        latencyRates.put(workload.id(), w.path("latencyPhaseRate").asDouble());
      }
    }
    List<Contender> contenders = new ArrayList<>();
    JsonNode listed =
        root.has("contenders")
            ? root.path("contenders")
            : JSON.valueToTree(
                iterable(root.path("workloads").path(0).path("contenders").fieldNames()));
    listed.forEach(c -> contenders.add(Contender.byLabel(c.asText())));
    List<TrialResult> trials = new ArrayList<>();
    for (JsonNode t : root.path("trials")) {
      Map<Metric, Double> values = new java.util.EnumMap<>(Metric.class);
      t.path("values")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNumber()) {
                  values.put(Metric.byKey(e.getKey()), e.getValue().asDouble());
                }
              });
      List<String> notes = new ArrayList<>();
      t.path("notes").forEach(n -> notes.add(n.asText()));
      Map<String, Double> marks = new LinkedHashMap<>();
      t.path("marks")
          .fields()
          .forEachRemaining(e -> marks.put(e.getKey(), e.getValue().asDouble()));
      Map<String, List<Long>> arrivals = new LinkedHashMap<>();
      t.path("arrivalsPerSecond")
          .fields()
          .forEachRemaining(
              e -> {
                List<Long> perSecond = new ArrayList<>();
                e.getValue().forEach(v -> perSecond.add(v.asLong()));
                arrivals.put(e.getKey(), perSecond);
              });
      trials.add(
          new TrialResult(
              t.path("workload").asText(),
              Contender.byLabel(t.path("contender").asText()),
              t.path("repetition").asInt(),
              values,
              notes,
              marks,
              arrivals));
    }
    Map<Contender, String> unavailable = new java.util.EnumMap<>(Contender.class);
    root.path("unavailable")
        .fields()
        .forEachRemaining(
            e -> unavailable.put(Contender.byLabel(e.getKey()), e.getValue().asText()));
    List<Results.MemoryScaleResult> memory = new ArrayList<>();
    root.path("memoryScales")
        .forEach(m -> memory.add(memoryScale(m, m.path("forwarding").asText())));
    JsonNode m = root.path("memoryScale");
    if (m.isObject()) {
      // Written before the scenario ran per mode: once, in the default mode (entries).
      memory.add(memoryScale(m, "entries"));
    }
    return new Results(workloads, contenders, trials, latencyRates, unavailable, memory);
  }

  private static Results.MemoryScaleResult memoryScale(JsonNode m, String forwarding) {
    return new Results.MemoryScaleResult(
        forwarding,
        m.path("partitions").asInt(),
        m.path("messages").asLong(),
        m.path("messageBytes").asInt(),
        m.path("seconds").asDouble(),
        m.path("complete").asBoolean(),
        m.path("peakRssMb").asDouble(),
        m.path("peakHeapMb").asDouble(),
        m.path("rssAtEndMb").asDouble(),
        m.path("note")
            .asText(m.path("complete").asBoolean() ? "all delivered" : "NOT all delivered"));
  }

  private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }

  private static void ratios(ObjectNode node, Results results, Workload w) {
    for (Contender versus :
        new Contender[] {Contender.BUILT_IN, Contender.PIPE, Contender.GEOREP_NO_STATE}) {
      if (!results.contenders().contains(versus)) {
        continue;
      }
      ObjectNode r = node.putObject("georep/" + versus.label());
      for (Metric m : Metric.values()) {
        double ratio = results.ratio(w, m, Contender.GEOREP, versus);
        if (m.comparable() && !Double.isNaN(ratio)) {
          r.put(m.key(), ratio);
        }
      }
    }
  }

  /** JSON has no NaN: an unmeasured value is null. */
  private static void number(ObjectNode node, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      node.putNull(field);
    } else {
      node.put(field, v);
    }
  }
}
