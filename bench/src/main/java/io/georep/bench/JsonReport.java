package io.georep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    results.memoryScale().ifPresent(m -> root.set("memoryScale", JSON.valueToTree(m)));
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the results as JSON", e);
    }
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
