package io.georep.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Local files that a configuration refers to: {@code file:} references and readability checks. */
final class LocalFiles {
  static final String FILE_PREFIX = "file:";

  private LocalFiles() {}

  /**
   * The path of a {@code file:/path}, {@code file:///path} or {@code file:relative/path} reference,
   * taken literally (no percent-decoding); relative paths are relative to the working directory.
   *
   * @throws IllegalArgumentException if it names no local file
   */
  static Path pathOf(String fileReference) {
    String rest = fileReference.substring(FILE_PREFIX.length());
    if (rest.startsWith("//")) {
      if (!rest.startsWith("///")) {
        throw new IllegalArgumentException("only local files: write file:/path or file:///path");
      }
      rest = rest.substring(2);
    }
    if (rest.isBlank()) {
      throw new IllegalArgumentException("no file name after file:");
    }
    return Path.of(rest);
  }

  /** Why this path cannot be read as a file, if it cannot. */
  static Optional<String> unreadable(Path path) {
    if (!Files.exists(path)) {
      return Optional.of("no such file");
    }
    if (Files.isDirectory(path)) {
      return Optional.of("it is a directory");
    }
    if (!Files.isReadable(path)) {
      return Optional.of("permission denied");
    }
    return Optional.empty();
  }

  /** A short reason for a failed read; never contains the file's content. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not UTF-8 text";
    }
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
