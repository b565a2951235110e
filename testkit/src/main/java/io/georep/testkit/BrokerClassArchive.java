package io.georep.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class data sharing for the broker JVM: an archive of the broker's loaded classes, dumped once per
 * machine (per JDK and broker classpath) from the first broker that comes up, then mapped by every
 * later broker JVM. It cuts a broker's start by a third or more (about 5.6 s to 4 s on two cores).
 *
 * <p>The archive lives in {@code <georep.testkit.dir>/cds/}; its name hashes the JDK and every
 * classpath entry with its size and modification time, so a rebuilt jar gets a new archive (the JVM
 * would refuse the old one). The three newest archives are kept. Set {@value #PROPERTY}=false to
 * turn it off. Everything here is an optimization: a failure only costs the speed-up.
 */
final class BrokerClassArchive {
  static final String PROPERTY = "georep.testkit.classDataSharing";
  private static final Logger log = LoggerFactory.getLogger(BrokerClassArchive.class);
  private static final int KEEP = 3;
  private static final long JCMD_TIMEOUT_SECONDS = 60;

  /** One dump at a time per test JVM; the others start without the archive meanwhile. */
  private static final AtomicBoolean DUMPING = new AtomicBoolean();

  /** Set when a dump failed: this JVM does not try again. */
  private static volatile boolean gaveUp;

  /** What one broker launch does about the archive. */
  sealed interface Plan {
    List<String> jvmOptions();
  }

  /** Map the existing archive. */
  record Use(Path archive) implements Plan {
    @Override
    public List<String> jvmOptions() {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
  }

  /** Record what the dump needs; {@link #dump} the archive once the broker is ready. */
  record Record(Path archive) implements Plan {
    @Override
    public List<String> jvmOptions() {
      return List.of("-XX:+RecordDynamicDumpInfo");
    }
  }

  /** No archive for this launch. */
  enum Off implements Plan {
    INSTANCE;

    @Override
    public List<String> jvmOptions() {
      return List.of();
    }
  }

  private BrokerClassArchive() {}

  static Plan plan(BrokerClasspath classpath, Path rootDir) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !classpath.jarsOnly()) {
      return Off.INSTANCE;
    }
    Path archive;
    try {
      archive = rootDir.resolve("cds").resolve("broker-" + fingerprint(classpath) + ".jsa");
    } catch (UncheckedIOException e) {
      log.warn("No class data archive for the broker JVM: {}", e.toString());
      return Off.INSTANCE;
    }
    if (Files.isRegularFile(archive)) {
      return new Use(archive);
    }
    if (!gaveUp && Files.isExecutable(jcmd()) && DUMPING.compareAndSet(false, true)) {
      return new Record(archive);
    }
    return Off.INSTANCE;
  }

  /** Gives up a plan's dump, e.g. when its broker did not start; another broker may dump. */
  static void release(Plan plan) {
    if (plan instanceof Record) {
      DUMPING.set(false);
    }
  }

  /**
   * Dumps the classes that broker {@code pid} loaded into the plan's archive. Called once the
   * broker is ready; takes a few seconds, once per machine.
   */
  static void dump(Record plan, long pid) {
    Path archive = plan.archive();
    Path partial = archive.resolveSibling(archive.getFileName() + "." + pid + ".partial");
    Path output = archive.resolveSibling(archive.getFileName() + "." + pid + ".jcmd.log");
    long started = System.nanoTime();
    try {
      Files.createDirectories(archive.getParent());
      Process jcmd =
          new ProcessBuilder(
                  jcmd().toString(),
                  Long.toString(pid),
                  "VM.cds",
                  "dynamic_dump",
                  partial.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean done = jcmd.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!done || jcmd.exitValue() != 0 || !Files.isRegularFile(partial)) {
        jcmd.destroyForcibly();
        gaveUp = true;
        log.warn(
            "No class data archive for the broker JVM: jcmd said {}",
            Files.readString(output).strip());
        return;
      }
      move(partial, archive);
      prune(archive.getParent());
      log.info(
          "Dumped the broker's classes to {} in {} ms; later brokers start faster",
          archive,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (IOException | UncheckedIOException e) {
      gaveUp = true;
      log.warn("No class data archive for the broker JVM: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      DUMPING.set(false);
      for (Path leftover : List.of(partial, output)) {
        try {
          Files.deleteIfExists(leftover);
        } catch (IOException e) {
          log.warn("Cannot delete {}: {}", leftover, e.toString());
        }
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Keeps the newest archives; other JVMs may still map the deleted ones, which is fine. */
  private static void prune(Path dir) throws IOException {
    List<Path> archives;
    try (Stream<Path> files = Files.list(dir)) {
      archives =
          files
              .filter(p -> p.getFileName().toString().matches("broker-[0-9a-f]+\\.jsa"))
              .sorted(Comparator.comparing(BrokerClassArchive::modified).reversed())
              .toList();
    }
    for (Path old : archives.subList(Math.min(KEEP, archives.size()), archives.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static Path jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd");
  }

  private static String fingerprint(BrokerClasspath classpath) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      update(digest, System.getProperty("java.home"));
      update(digest, System.getProperty("java.vm.version"));
      for (Path entry : classpath.entries()) {
        update(digest, entry.toString());
        update(digest, Long.toString(Files.size(entry)));
        update(digest, Long.toString(Files.getLastModifiedTime(entry).toMillis()));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the broker classpath", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest digest, String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }
}
