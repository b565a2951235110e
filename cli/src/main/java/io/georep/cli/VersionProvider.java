package io.georep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code georep <version>}, the version coming from the build (a resource filtered by Maven). */
final class VersionProvider implements IVersionProvider {
  private static final String RESOURCE = "/georep-version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"georep " + version()};
  }

  /** The project version, or "unknown" when the resource is missing (running unpackaged). */
  static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
