package io.georep.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.PulsarContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.HttpWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Pulsar standalone broker in a Docker container ({@code apachepulsar/pulsar:4.0.7}) through
 * Testcontainers' {@link PulsarContainer}; broker settings go in as {@code PULSAR_PREFIX_key}
 * environment variables. Only chosen explicitly ({@code georep.testkit.backend=docker} or {@code
 * GEOREP_TESTKIT_BACKEND=docker}); not exercised by {@code mvn verify}.
 *
 * <p>Supports deduplication, broker entry metadata, token authentication and broker settings. Does
 * not support TLS or {@link #restart()}: Docker gives a restarted container new host ports. {@link
 * #stop()} and {@link #kill()} stop the container without removing it; {@link #close()} removes it.
 */
final class ContainerPulsarCluster extends StartableCluster {
  private static final Logger log = LoggerFactory.getLogger(ContainerPulsarCluster.class);
  static final DockerImageName IMAGE = DockerImageName.parse("apachepulsar/pulsar:4.0.7");
  private static final String SECRET_KEY_IN_CONTAINER = "/pulsar/georep-testkit/secret.key";

  private final PulsarContainer container;
  private boolean closed;

  private ContainerPulsarCluster(PulsarClusterSpec spec, Path dataDir) {
    super(spec, dataDir);
    this.container = newContainer();
  }

  static ContainerPulsarCluster create(PulsarClusterSpec spec) {
    if (spec.tls()) {
      throw unsupported("TLS (cluster " + spec.name() + ")");
    }
    return DataDirs.initNew(spec.name(), dir -> new ContainerPulsarCluster(spec, dir));
  }

  @SuppressWarnings("resource") // closed by close()
  private PulsarContainer newContainer() {
    PulsarContainer c = new PulsarContainer(IMAGE);
    Map<String, String> token =
        tokens()
            .map(
                t ->
                    BrokerSettings.tokenAuth(
                        "file://" + SECRET_KEY_IN_CONTAINER, t.superUserToken()))
            .orElse(Map.of());
    BrokerSettings.of(spec(), Map.of(), token, Map.of())
        .forEach((k, v) -> c.withEnv("PULSAR_PREFIX_" + k, v));
    HttpWaitStrategy ready =
        Wait.forHttp("/admin/v2/clusters")
            .forPort(PulsarContainer.BROKER_HTTP_PORT)
            .forResponsePredicate(body -> body.contains("\"" + spec().name() + "\""));
    tokens()
        .ifPresent(
            t -> {
              c.withCopyToContainer(Transferable.of(t.secretKey()), SECRET_KEY_IN_CONTAINER);
              ready.withHeader("Authorization", "Bearer " + t.superUserToken());
            });
    c.waitingFor(ready.withStartupTimeout(Readiness.DEFAULT_TIMEOUT));
    c.withLogConsumer(this::appendToLog);
    return c;
  }

  private void appendToLog(OutputFrame frame) {
    try {
      Files.writeString(
          logFile(), frame.getUtf8String(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + logFile(), e);
    }
  }

  @Override
  synchronized void start() {
    try {
      container.start();
      Readiness.await(
          this,
          () ->
              container.isRunning()
                  ? Optional.empty()
                  : Optional.of("the container is not running"),
          Readiness.DEFAULT_TIMEOUT);
    } catch (Readiness.NotReadyException e) {
      container.stop();
      throw PulsarClusterException.withLogTail(name(), e.getMessage(), logFile(), e.getCause());
    } catch (RuntimeException e) {
      container.stop();
      throw PulsarClusterException.withLogTail(
          name(), "the container did not start: " + e, logFile(), e);
    }
    log.info("Pulsar cluster {} ready in container: {} {}", name(), serviceUrl(), adminUrl());
  }

  @Override
  public String serviceUrl() {
    return container.getPulsarBrokerUrl();
  }

  @Override
  public String adminUrl() {
    return container.getHttpServiceUrl();
  }

  @Override
  public Optional<Path> trustCertsFile() {
    return Optional.empty();
  }

  @Override
  public synchronized void stop() {
    if (container.isRunning()) {
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout(20)
          .exec();
    }
  }

  @Override
  public synchronized void kill() {
    if (container.isRunning()) {
      container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }
  }

  @Override
  public void restart() {
    throw unsupported("restart (cluster " + name() + ")");
  }

  /** What the Docker backend refuses, and the setting that chose it. */
  static UnsupportedOperationException unsupported(String feature) {
    return new UnsupportedOperationException(
        feature
            + " is not supported by the docker backend, chosen by "
            + PulsarClusters.BACKEND_PROPERTY
            + " or "
            + PulsarClusters.BACKEND_ENV
            + "; set it to jvm (or unset it: jvm is the default)");
  }

  @Override
  synchronized void abandon() {
    closed = true;
    container.stop();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    container.stop();
    if (!DataDirs.keep()) {
      DataDirs.delete(dataDir());
    }
  }

  @Override
  public String toString() {
    return "ContainerPulsarCluster{" + name() + "}";
  }
}
