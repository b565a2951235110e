package io.georep.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * A secret value, such as a token. Its {@link #toString()} never shows the value, so a secret can
 * sit in records that are logged or printed; only {@link #reveal()} gives it out.
 *
 * <p>A secret read from a file ({@link #ofFile}) follows the file: a token rotated on disk (by a
 * secret manager, a Kubernetes secret volume, a cron job) is what the next {@link #reveal()} gives,
 * as Pulsar's own {@code token: file:} form does. It re-reads only when the file's modification
 * time, size or identity (a new file renamed over it) changed, so revealing it on every connection
 * or request costs a {@code stat}. Until a rotated file can be read and holds a token (a writer
 * halfway through, the file briefly absent), the last token read stays in use.
 */
public final class Secret {
  private final String value;
  private final Path file;
  private String current;
  private Version version;

  /** What a file looked like when it was last read. */
  private record Version(FileTime modified, long size, Object fileKey) {
    static Version of(Path file) throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Version(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
  }

  private Secret(String value, Path file, Version version) {
    this.value = value;
    this.file = file;
    this.current = value;
    this.version = version;
  }

  /** Wraps a secret value. */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "value"), null, null);
  }

  /**
   * A secret kept in a file, stripped of surrounding white space, re-read when the file changes.
   *
   * @throws IOException if the file cannot be read now
   * @throws IllegalArgumentException if it holds nothing but white space
   */
  public static Secret ofFile(Path file) throws IOException {
    Version version = Version.of(file);
    String value = Files.readString(file).strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("the file " + file + " is empty");
    }
    return new Secret(value, file, version);
  }

  /**
   * The secret value itself; hand it only to the client that needs it. For a secret from a file,
   * its content as of now.
   */
  public String reveal() {
    if (file == null) {
      return value;
    }
    synchronized (this) {
      try {
        Version now = Version.of(file);
        if (!now.equals(version)) {
          String read = Files.readString(file).strip();
          if (!read.isEmpty()) {
            current = read;
            version = now;
          }
        }
      } catch (IOException e) {
        // Mid-rotation or gone: keep the last token; the cluster says so if it has expired.
      }
      return current;
    }
  }

  /** Always {@code ****}. */
  @Override
  public String toString() {
    return "****";
  }
}
