package io.georep.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to launch the broker JVM: the classpath that {@code georep-testkit-broker-classpath} resolved
 * at build time, plus that module's own jar, which holds the main class.
 *
 * @param entries the classpath, in order
 * @param mainClass the broker JVM's main class
 */
record BrokerClasspath(List<Path> entries, String mainClass) {
  private static final String RESOURCE = "io/georep/testkit/broker.classpath";
  private static final String MAIN_CLASS = "io.georep.testkit.broker.StandaloneLauncher";
  private static volatile BrokerClasspath resolved;

  BrokerClasspath {
    entries = List.copyOf(entries);
  }

  /** Read once per JVM; fails when a jar it names is gone (e.g. a cleaned local repository). */
  static BrokerClasspath get() {
    BrokerClasspath cp = resolved;
    if (cp == null) {
      cp = read();
      resolved = cp;
    }
    return cp;
  }

  String asString() {
    return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
  }

  /** Only jars (no class directories): a requirement of the JVM's class data sharing. */
  boolean jarsOnly() {
    return entries.stream().allMatch(Files::isRegularFile);
  }

  private static BrokerClasspath read() {
    URL url = BrokerClasspath.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      throw new IllegalStateException(
          "resource "
              + RESOURCE
              + " is missing: io.georep:georep-testkit-broker-classpath must be on the classpath");
    }
    List<Path> entries = new ArrayList<>();
    try (InputStream in = url.openStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      for (String entry : text.split(File.pathSeparator)) {
        entries.add(Path.of(entry));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + url, e);
    }
    entries.add(location(url));
    List<Path> missing = entries.stream().filter(p -> !Files.exists(p)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the broker classpath names files that are not there; rebuild it with"
              + " `mvn -pl testkit/broker-classpath install`: "
              + missing);
    }
    return new BrokerClasspath(entries, MAIN_CLASS);
  }

  /** The jar or class directory that holds the resource. */
  private static Path location(URL resource) {
    try {
      if ("jar".equals(resource.getProtocol())) {
        return Path.of(((JarURLConnection) resource.openConnection()).getJarFileURL().toURI());
      }
      Path file = Path.of(resource.toURI());
      // strip io/georep/testkit/broker.classpath
      return file.getParent().getParent().getParent().getParent();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot locate " + resource, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate " + resource, e);
    }
  }
}
