package io.georep.replicator;

/**
 * The stage of a partition's pipeline a failure happened in; its {@link #label} starts the error
 * kind operators see in status and metrics (see {@link ErrorKinds}).
 */
enum PipelineStage {
  SOURCE_TOPIC("source-topic"),
  SUBSCRIBE("subscribe"),
  PRODUCER("producer"),
  RECEIVE("receive"),
  SCHEMA("schema"),
  SEQUENCE_ID("sequence-id"),
  SEND("send"),
  STATE("state"),
  DRAIN("drain");

  private final String label;

  PipelineStage(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The error kind of {@code cause} failing this stage. */
  String errorKind(Throwable cause) {
    return ErrorKinds.of(label, cause);
  }

  /** A failure of this stage, for futures that span several (see {@link PipelineConnector}). */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final PipelineStage stage;

    Failure(PipelineStage stage, Throwable cause) {
      super(stage.label() + " failed: " + cause.getMessage(), cause);
      this.stage = stage;
    }

    PipelineStage stage() {
      return stage;
    }
  }
}
