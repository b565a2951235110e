package io.georep.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Starts Pulsar clusters for tests, the sandbox and the benchmark, on the backend chosen by the
 * system property {@value #BACKEND_PROPERTY} or else the environment variable {@value
 * #BACKEND_ENV}: {@code jvm} (the default) or {@code docker}. Docker is never chosen because an
 * engine happens to answer: its backend lacks TLS and restart, which tests rely on.
 */
public final class PulsarClusters {
  public static final String BACKEND_PROPERTY = "georep.testkit.backend";
  public static final String BACKEND_ENV = "GEOREP_TESTKIT_BACKEND";

  /** Where the brokers run. */
  public enum Backend {
    /** A standalone broker in a child JVM; always available, supports every feature. */
    CHILD_JVM,
    /**
     * Testcontainers' {@code PulsarContainer}; no TLS, no restart (see {@code
     * ContainerPulsarCluster}).
     */
    TESTCONTAINERS
  }

  private PulsarClusters() {}

  /**
   * Starts one cluster per spec, all in parallel, and returns them, in the order of the specs, when
   * all are ready. When one fails, the others are closed, the failed one is stopped (its data
   * directory stays, for its log) and the exception carries the tail of its broker log.
   *
   * @throws IllegalArgumentException when no spec is given or two specs have the same name
   * @throws PulsarClusterException when a cluster does not start
   */
  public static List<PulsarCluster> start(PulsarClusterSpec... specs) {
    if (specs.length == 0) {
      throw new IllegalArgumentException("no cluster spec given");
    }
    List<String> names = Arrays.stream(specs).map(PulsarClusterSpec::name).toList();
    if (new HashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException("cluster names must be distinct: " + names);
    }
    Function<PulsarClusterSpec, StartableCluster> backend =
        switch (backend()) {
          case CHILD_JVM -> ChildJvmPulsarCluster::create;
          case TESTCONTAINERS -> dockerBackend();
        };
    return startAll(List.of(specs), backend);
  }

  /**
   * The Testcontainers backend, when Testcontainers is on the classpath: the testkit declares it
   * optional, so that the sandbox (georep's own classpath) carries no test library.
   */
  private static Function<PulsarClusterSpec, StartableCluster> dockerBackend() {
    try {
      Class.forName(
          "org.testcontainers.containers.PulsarContainer",
          false,
          PulsarClusters.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new PulsarClusterException(
          "the docker backend, chosen by "
              + BACKEND_PROPERTY
              + " or "
              + BACKEND_ENV
              + ", needs org.testcontainers:pulsar on the classpath (tests declare it; georep's"
              + " own classpath has no test library); set it to jvm or unset it",
          e);
    }
    return ContainerPulsarCluster::create;
  }

  /** The backend {@link #start} uses now: the system property, else the environment variable. */
  public static Backend backend() {
    return backend(System.getProperty(BACKEND_PROPERTY), System.getenv(BACKEND_ENV));
  }

  /**
   * The backend named by the system property, else by the environment variable, else the child JVM;
   * either may be null (unset).
   *
   * @throws IllegalArgumentException when the setting that applies is neither {@code jvm} nor
   *     {@code docker}
   */
  static Backend backend(String property, String env) {
    String source = property != null ? BACKEND_PROPERTY : BACKEND_ENV;
    String setting =
        Optional.ofNullable(property)
            .or(() -> Optional.ofNullable(env))
            .orElse("jvm")
            .trim()
            .toLowerCase(Locale.ROOT);
    return switch (setting) {
      case "jvm" -> Backend.CHILD_JVM;
      case "docker" -> Backend.TESTCONTAINERS;
      default ->
          throw new IllegalArgumentException(
              source + " must be jvm (the default) or docker, found '" + setting + "'");
    };
  }

  private static List<PulsarCluster> startAll(
      List<PulsarClusterSpec> specs, Function<PulsarClusterSpec, StartableCluster> backend) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            specs.size(),
            r -> {
              Thread t = new Thread(r, "georep-testkit-start");
              t.setDaemon(true);
              return t;
            });
    try {
      // prepare all first (directories, ports, keys), so that every started one can be cleaned up
      List<Outcome<StartableCluster>> prepared =
          runAll(pool, specs.stream().map(spec -> task(() -> backend.apply(spec))).toList());
      List<StartableCluster> clusters = Outcome.values(prepared);
      List<StartableCluster> failed = new ArrayList<>();
      List<Throwable> failures = Outcome.failures(prepared);
      if (failures.isEmpty()) {
        List<Outcome<StartableCluster>> started =
            runAll(pool, clusters.stream().map(c -> task(() -> startOne(c))).toList());
        for (int i = 0; i < started.size(); i++) {
          if (started.get(i).failure() != null) {
            failed.add(clusters.get(i));
          }
        }
        failures = Outcome.failures(started);
      }
      if (failures.isEmpty()) {
        return List.copyOf(clusters);
      }
      PulsarClusterException error = startFailure(specs, failures);
      for (StartableCluster cluster : clusters) {
        suppressInto(error, failed.contains(cluster) ? cluster::abandon : cluster::close);
      }
      throw error;
    } finally {
      pool.shutdownNow();
    }
  }

  private static StartableCluster startOne(StartableCluster cluster) {
    cluster.start();
    return cluster;
  }

  private static <T> Callable<T> task(Callable<T> task) {
    return task;
  }

  /** Runs the tasks in parallel and waits for all of them, failed or not. */
  private static <T> List<Outcome<T>> runAll(ExecutorService pool, List<Callable<T>> tasks) {
    try {
      return pool.invokeAll(tasks).stream().map(Outcome::of).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PulsarClusterException("interrupted while starting clusters", e);
    }
  }

  /** The value of a finished task, or its failure. */
  private record Outcome<T>(T value, Throwable failure) {
    static <T> Outcome<T> of(Future<T> done) {
      try {
        return new Outcome<>(done.get(), null);
      } catch (ExecutionException e) {
        return new Outcome<>(null, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome<>(null, e);
      }
    }

    static <T> List<T> values(List<Outcome<T>> outcomes) {
      return outcomes.stream().filter(o -> o.failure() == null).map(Outcome::value).toList();
    }

    static List<Throwable> failures(List<? extends Outcome<?>> outcomes) {
      return outcomes.stream().map(Outcome::failure).filter(f -> f != null).toList();
    }
  }

  private static PulsarClusterException startFailure(
      List<PulsarClusterSpec> specs, List<Throwable> failures) {
    Throwable first = failures.get(0);
    PulsarClusterException error =
        new PulsarClusterException(
            "cannot start the clusters "
                + specs.stream().map(PulsarClusterSpec::name).toList()
                + " (the others were closed): "
                + first.getMessage(),
            first);
    failures.subList(1, failures.size()).forEach(error::addSuppressed);
    return error;
  }

  private static void suppressInto(RuntimeException error, Runnable cleanup) {
    try {
      cleanup.run();
    } catch (RuntimeException e) {
      error.addSuppressed(e);
    }
  }

  /** Closes every cluster, even when one fails to close; throws the first failure. */
  static void closeAll(List<? extends PulsarCluster> clusters) {
    RuntimeException error = null;
    for (PulsarCluster cluster : clusters) {
      try {
        cluster.close();
      } catch (RuntimeException e) {
        if (error == null) {
          error = e;
        } else {
          error.addSuppressed(e);
        }
      }
    }
    if (error != null) {
      throw error;
    }
  }

  /**
   * Keeps the child-JVM brokers alive during JVM shutdown (Ctrl-C) until {@code done} is counted
   * down, at most 2 minutes, so that a program can still read from them before they are killed.
   */
  public static void holdBrokersOnExitUntil(java.util.concurrent.CountDownLatch done) {
    ChildJvmPulsarCluster.Reaper.holdUntil(done);
  }
}
