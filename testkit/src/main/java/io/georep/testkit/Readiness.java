package io.georep.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Waits until a cluster serves: first its admin API lists the cluster and {@code public/default}
 * (which the standalone creates once it is up), then a message produced on a fresh topic there
 * comes back to a consumer (the topic is deleted after). Polls without fixed sleeps and gives up at
 * the deadline or as soon as the broker is gone.
 */
final class Readiness {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Why a broker cannot become ready any more, e.g. its process exited; empty while it may. */
  @FunctionalInterface
  interface Liveness {
    Optional<String> deathReason();
  }

  /** Thrown when the cluster is not ready in time or died; the message says what was last seen. */
  static final class NotReadyException extends Exception {
    private static final long serialVersionUID = 1L;

    NotReadyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Readiness() {}

  static void await(PulsarCluster cluster, Liveness liveness, Duration timeout)
      throws NotReadyException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (PulsarAdmin admin = ClusterClients.newProbeAdmin(cluster)) {
      poll(
          "the admin API lists cluster " + cluster.name() + " and namespace public/default",
          deadline,
          liveness,
          () ->
              admin.clusters().getClusters().contains(cluster.name())
                  && admin.namespaces().getNamespaces("public").contains("public/default"));
      PulsarClient client = ClusterClients.newProbeClient(cluster);
      try {
        poll(
            "a produce/consume round trip in public/default",
            deadline,
            liveness,
            () -> roundTrip(client, admin));
      } finally {
        // close() waits two seconds for the client's event loops to go quiet; nobody needs that
        client.closeAsync();
      }
    } catch (PulsarClientException e) {
      throw new NotReadyException("cannot create probe clients: " + e, e);
    }
  }

  private static boolean roundTrip(PulsarClient client, PulsarAdmin admin)
      throws PulsarClientException, PulsarAdminException {
    String topic = "persistent://public/default/georep-testkit-ready-" + UUID.randomUUID();
    byte[] payload = topic.getBytes(StandardCharsets.UTF_8);
    boolean received;
    try (Consumer<byte[]> consumer =
            client.newConsumer().topic(topic).subscriptionName("ready").subscribe();
        Producer<byte[]> producer = client.newProducer().topic(topic).create()) {
      producer.send(payload);
      Message<byte[]> message = consumer.receive(10, TimeUnit.SECONDS);
      received = message != null && Arrays.equals(message.getData(), payload);
    }
    // leave public/default as the broker made it: tests list its topics
    admin.topics().delete(topic, true);
    return received;
  }

  private interface Check {
    boolean run() throws PulsarClientException, PulsarAdminException;
  }

  private static void poll(String what, long deadline, Liveness liveness, Check check)
      throws NotReadyException {
    Exception lastFailure = null;
    while (true) {
      Optional<String> death = liveness.deathReason();
      if (death.isPresent()) {
        throw new NotReadyException(death.get() + " while waiting until " + what, lastFailure);
      }
      try {
        if (check.run()) {
          return;
        }
      } catch (PulsarClientException | PulsarAdminException e) {
        lastFailure = e; // expected while the broker comes up; reported if it never does
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new NotReadyException(
            "timed out waiting until "
                + what
                + (lastFailure == null ? "" : "; last error: " + lastFailure),
            lastFailure);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new NotReadyException("interrupted while waiting until " + what, lastFailure);
      }
    }
  }
}
