package io.georep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code georep <version> (commit <commit>)}, both written at build time into a resource (see
 * cli/pom.xml); "unknown" for what the build could not tell (git absent) or when running
 * unpackaged.
 */
final class VersionProvider implements IVersionProvider {
  private static final String RESOURCE = "/georep-version.properties";
  private static final String UNKNOWN = "unknown";

  @Override
  public String[] getVersion() {
    Properties build = build();
    return new String[] {
      "georep "
          + build.getProperty("version", UNKNOWN)
          + " (commit "
          + build.getProperty("commit", UNKNOWN)
          + ")"
    };
  }

  private static Properties build() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
