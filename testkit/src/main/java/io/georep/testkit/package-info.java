/**
 * Real Pulsar clusters for tests, the sandbox and the benchmark.
 *
 * <p>{@link io.georep.testkit.PulsarClusters#start} starts clusters described by {@link
 * io.georep.testkit.PulsarClusterSpec}s, in parallel; {@link
 * io.georep.testkit.PulsarClustersExtension} does it for a JUnit 5 test class. By default each
 * cluster is a Pulsar standalone broker (broker, one bookie, RocksDB metadata) in a child JVM on
 * free local ports; with {@code georep.testkit.backend=docker}, a Testcontainers container instead
 * (no TLS, no restart). {@link io.georep.testkit.OAuth2TokenEndpoint} is an OAuth2
 * client-credentials identity provider on loopback that issues a cluster's tokens.
 *
 * <p>JUnit and Testcontainers are optional dependencies of this module, so that georep's own
 * classpath (the sandbox uses {@link io.georep.testkit.PulsarClusters}) carries no test library: a
 * test module has JUnit for the extension, and declares {@code org.testcontainers:pulsar} itself
 * for the docker backend.
 *
 * <p>System properties:
 *
 * <ul>
 *   <li>{@code georep.testkit.backend}: {@code jvm} (default) or {@code docker}; also the
 *       environment variable {@code GEOREP_TESTKIT_BACKEND} (the system property wins).
 *   <li>{@code georep.testkit.dir}: where the clusters' data directories go; default {@code
 *       <java.io.tmpdir>/georep-testkit}.
 *   <li>{@code georep.testkit.keepData}: {@code true} keeps each cluster's data directory (with its
 *       {@code broker.log}) when it is closed.
 *   <li>{@code georep.testkit.brokerLogLevel}: the broker's root log level; default {@code info}.
 *   <li>{@code georep.testkit.brokerJvmOptions}: more options for the broker JVM, separated by
 *       spaces (e.g. {@code -Xmx2g}, or {@code -XX:TieredStopAtLevel=1} for a faster start and a
 *       slower broker).
 *   <li>{@code georep.testkit.startTimeoutSeconds}: how long a start may take; default 90.
 *   <li>{@code georep.testkit.classDataSharing}: {@code false} turns off the broker JVM's class
 *       archive (see {@code BrokerClassArchive}).
 * </ul>
 */
package io.georep.testkit;
