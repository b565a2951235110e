package io.georep.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one trial (one contender, one workload, one repetition) measured. A metric that could not be
 * measured is absent; {@code notes} say why, and what else went wrong.
 *
 * @param marks when each step of the trial happened, in seconds since it began (before the backlog
 *     was written)
 * @param arrivals per phase topic, messages arriving on the target in each second since the trial
 *     began
 */
record TrialResult(
    String workload,
    Contender contender,
    int repetition,
    Map<Metric, Double> values,
    List<String> notes,
    Map<String, Double> marks,
    Map<String, List<Long>> arrivals) {

  TrialResult {
    values = Map.copyOf(values);
    notes = List.copyOf(notes);
    // in the order they happened
    marks = Collections.unmodifiableMap(new LinkedHashMap<>(marks));
    arrivals = Collections.unmodifiableMap(new LinkedHashMap<>(arrivals));
  }

  /** The same trial without its measurements (when they cannot be trusted), keeping the notes. */
  TrialResult withoutValues() {
    return new TrialResult(workload, contender, repetition, Map.of(), notes, marks, arrivals);
  }
}
