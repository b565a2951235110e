package io.georep.bench;

import java.util.Arrays;

/** Who replicates the source to the target in a trial. */
enum Contender {
  /** georep's daemon as users run it: {@code georep run --config F} in a JVM of its own. */
  GEOREP("georep"),
  /** Pulsar's built-in geo-replication, inside the source broker. */
  BUILT_IN("built-in"),
  /** The floor for a client-side tool: consume, produce, acknowledge after the send; no state. */
  PIPE("pipe"),
  /** georep with its checkpoint and position-map writes switched off (a diagnostic). */
  GEOREP_NO_STATE("georep-no-state");

  private final String label;

  Contender(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  static Contender byLabel(String label) {
    return Arrays.stream(values())
        .filter(c -> c.label.equals(label))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown contender '"
                        + label
                        + "'; known: "
                        + Arrays.stream(values()).map(Contender::label).toList()));
  }
}
