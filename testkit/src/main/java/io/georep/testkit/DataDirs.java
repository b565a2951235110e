package io.georep.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.function.Function;

/** The clusters' data directories: where they go, whether they stay, how they go. */
final class DataDirs {
  /** Where clusters put their data directories; default {@code <java.io.tmpdir>/georep-testkit}. */
  static final String DIR_PROPERTY = "georep.testkit.dir";

  /** {@code true} keeps the data directory (and broker.log) when a cluster is closed. */
  static final String KEEP_DATA_PROPERTY = "georep.testkit.keepData";

  private DataDirs() {}

  /** Where the data directories go: {@value #DIR_PROPERTY} or the default. */
  static Path root() {
    return Path.of(
            System.getProperty(
                DIR_PROPERTY,
                Path.of(System.getProperty("java.io.tmpdir"), "georep-testkit").toString()))
        .toAbsolutePath();
  }

  /** A new directory {@code <root>/<name>-<random>}. */
  static Path create(String name) {
    Path dir = root().resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      return Files.createDirectories(dir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
  }

  /**
   * Creates a directory for {@code name} and {@code init} in it; deletes it if {@code init} fails.
   */
  static <T> T initNew(String name, Function<Path, T> init) {
    Path dir = create(name);
    try {
      return init.apply(dir);
    } catch (RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  static boolean keep() {
    return Boolean.getBoolean(KEEP_DATA_PROPERTY);
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
