package io.georep.replicator;

import java.util.Locale;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Names the kind of a failure for metrics and status, from the stage it happened in and its cause:
 * operators alert on {@code permission} or {@code schema}, not on exception class names.
 */
final class ErrorKinds {
  private ErrorKinds() {}

  static String of(String stage, Throwable cause) {
    if (cause instanceof PulsarClientException.IncompatibleSchemaException) {
      return "schema";
    }
    if (cause instanceof PulsarClientException.AuthorizationException
        || cause instanceof PulsarClientException.AuthenticationException) {
      return "permission";
    }
    if (cause instanceof PulsarClientException.ProducerBlockedQuotaExceededError
        || cause instanceof PulsarClientException.ProducerBlockedQuotaExceededException) {
      return "backlog-quota";
    }
    if (cause instanceof PulsarClientException.TopicDoesNotExistException
        || cause instanceof PulsarClientException.NotFoundException) {
      return "topic-missing";
    }
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (cause instanceof PulsarClientException.InvalidMessageException
        && (message.contains("size") || message.contains("exceeds"))) {
      return "message-too-large";
    }
    if (cause instanceof PulsarClientException.TimeoutException) {
      return stage + "-timeout";
    }
    return stage;
  }
}
