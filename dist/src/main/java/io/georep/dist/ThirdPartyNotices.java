package io.georep.dist;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Writes THIRD-PARTY.txt for the distribution: each bundled jar with the licences its Maven POM
 * declares, or the nearest parent POM that declares some. Run at build time (dist/pom.xml) with the
 * runtime classpath as Maven resolved it, jars beside their POMs in the local repository; a jar
 * outside such a layout (one of georep's own modules, built in this reactor) is listed as georep's.
 *
 * <p>Usage: {@code ThirdPartyNotices <classpath file> <output file>}.
 */
public final class ThirdPartyNotices {
  private static final String UNDECLARED = "no licence declared in its POM or its parents' POMs";

  /** One bundled artifact and the licences declared for it. */
  record Artifact(String coordinates, String name, List<String> licences) {}

  private ThirdPartyNotices() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ThirdPartyNotices <classpath file> <output file>");
    }
    String classpath = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8).trim();
    List<Path> jars = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      jars.add(Path.of(entry));
    }
    Files.writeString(Path.of(args[1]), render(jars), StandardCharsets.UTF_8);
  }

  static String render(List<Path> jars) {
    List<String> own = new ArrayList<>();
    Map<String, Artifact> thirdParty = new TreeMap<>();
    for (Path jar : jars) {
      Optional<Artifact> artifact = fromRepository(jar);
      if (artifact.isPresent()) {
        thirdParty.put(artifact.get().coordinates(), artifact.get());
      } else {
        own.add(jar.getFileName().toString());
      }
    }
    Map<String, Integer> byLicence = new TreeMap<>();
    thirdParty
        .values()
        .forEach(a -> a.licences().forEach(l -> byLicence.merge(l, 1, Integer::sum)));

    StringBuilder out = new StringBuilder();
    out.append("Third-party software in lib/\n")
        .append("============================\n\n")
        .append(
            "lib/ holds georep's own jars and the third-party jars below, unchanged. For each,\n")
        .append("the licences its Maven POM declares (or, where it declares none, its nearest\n")
        .append(
            "parent POM), read when this distribution was built. The licence texts are in the\n")
        .append(
            "jars (META-INF/LICENSE*, META-INF/NOTICE*, where a project ships them) or at the\n")
        .append("URLs given.\n\n")
        .append("georep's own jars (no licence declared by the georep project yet):\n");
    own.forEach(name -> out.append("  ").append(name).append('\n'));
    out.append('\n').append("Licences, with the number of jars under each:\n");
    byLicence.forEach((licence, n) -> out.append(String.format("  %4d  %s%n", n, licence)));
    out.append('\n').append("Jars (groupId:artifactId:version, name, licences):\n\n");
    for (Artifact a : thirdParty.values()) {
      out.append(a.coordinates()).append('\n');
      if (!a.name().isEmpty()) {
        out.append("  ").append(a.name()).append('\n');
      }
      a.licences().forEach(l -> out.append("  licence: ").append(l).append('\n'));
    }
    return out.toString();
  }

  /**
   * The artifact of a jar laid out as in a Maven repository ({@code
   * root/group/path/artifactId/version/artifactId-version[-classifier].jar}, the POM beside it), or
   * empty when there is no POM beside it.
   */
  static Optional<Artifact> fromRepository(Path jar) {
    Path versionDir = jar.toAbsolutePath().getParent();
    if (versionDir == null || versionDir.getParent() == null) {
      return Optional.empty();
    }
    String version = versionDir.getFileName().toString();
    String artifactId = versionDir.getParent().getFileName().toString();
    Path pom = versionDir.resolve(artifactId + "-" + version + ".pom");
    if (!Files.isRegularFile(pom)) {
      return Optional.empty();
    }
    Element project = parse(pom);
    String groupId = text(project, "groupId").orElseGet(() -> parentText(project, "groupId"));
    String name = text(project, "name").orElse("");
    List<String> licences = licences(project, repositoryRoot(versionDir, groupId), 0);
    return Optional.of(
        new Artifact(
            groupId + ":" + artifactId + ":" + version,
            name.contains("${") ? "" : name,
            licences.isEmpty() ? List.of(UNDECLARED) : licences));
  }

  /** The licences a POM declares, else those of its nearest parent that declares some. */
  private static List<String> licences(Element project, Path root, int depth) {
    List<String> declared = new ArrayList<>();
    Optional<Element> licences = child(project, "licenses");
    if (licences.isPresent()) {
      for (Node n = licences.get().getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element licence && licence.getTagName().equals("license")) {
          String name = text(licence, "name").orElse("unnamed licence");
          declared.add(text(licence, "url").map(url -> name + " <" + url + ">").orElse(name));
        }
      }
    }
    Optional<Element> parent = child(project, "parent");
    if (!declared.isEmpty() || parent.isEmpty() || depth > 10) {
      return declared;
    }
    String groupId = text(parent.get(), "groupId").orElse("");
    String artifactId = text(parent.get(), "artifactId").orElse("");
    String version = text(parent.get(), "version").orElse("");
    Path pom =
        root.resolve(groupId.replace('.', File.separatorChar))
            .resolve(artifactId)
            .resolve(version)
            .resolve(artifactId + "-" + version + ".pom");
    return Files.isRegularFile(pom) ? licences(parse(pom), root, depth + 1) : declared;
  }

  /** The repository root: {@code versionDir} less version, artifactId and the group's folders. */
  private static Path repositoryRoot(Path versionDir, String groupId) {
    Path root = versionDir.getParent();
    for (int i = 0; i < groupId.split("\\.").length; i++) {
      root = root.getParent();
    }
    return root.getParent();
  }

  private static String parentText(Element project, String tag) {
    return child(project, "parent").flatMap(p -> text(p, tag)).orElse("?");
  }

  private static Optional<String> text(Element parent, String tag) {
    return child(parent, tag).map(e -> e.getTextContent().trim().replaceAll("\\s+", " "));
  }

  private static Optional<Element> child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static Element parse(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document = factory.newDocumentBuilder().parse(pom.toFile());
      return document.getDocumentElement();
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("cannot read " + pom, e);
    }
  }
}
