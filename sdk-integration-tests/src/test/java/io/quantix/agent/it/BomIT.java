package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM as a consumer sees it: {@code bom/pom.xml} is installed into a private local repository
 * under {@code target/}, a throwaway project imports it, and real Maven computes that project's
 * effective POM. Its {@code dependencyManagement} must hold exactly the SDK's published artifacts
 * (every reactor module that is installed, but the BOM itself) at the BOM's version — nothing from
 * the parent (Netty, JUnit, Mockito...). A module added without a BOM entry fails here too.
 *
 * <p>Offline-safe: the nested Maven reads plugins from this build's local repository through a
 * {@code file:} mirror (this module's POM runs the help plugin first so it is there) and never
 * writes to it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BomIT {
  private static final String GROUP = "io.quantix.agent";

  private final Path root = Path.of(System.getProperty("sdk.root", "..")).toAbsolutePath().normalize();
  private final Path work = Path.of("target", "bom-it").toAbsolutePath();

  @Test
  void importingTheBomManagesOnlyTheSdksPublishedArtifacts() throws Exception {
    Element bom = read(root.resolve("bom/pom.xml"));
    assertThat(child(bom, "parent")).as("the BOM must not inherit a parent").isNull();
    String version = text(bom, "version");
    assertThat(version).as("BOM version = parent version")
        .isEqualTo(text(read(root.resolve("pom.xml")), "version"));

    Path mvn = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn");
    assumeTrue(Files.isExecutable(mvn), "no Maven at " + mvn + " to build a consumer project with");
    Path buildRepo = Path.of(System.getProperty("build.local.repository",
        System.getProperty("user.home") + "/.m2/repository"));

    // "Install" the BOM: a POM-only artifact is just its file at the repository layout path.
    Path repo = work.resolve("repository");
    Path installed = repo.resolve("io/quantix/agent/quantix-agent-bom/" + version
        + "/quantix-agent-bom-" + version + ".pom");
    Files.createDirectories(installed.getParent());
    Files.copy(root.resolve("bom/pom.xml"), installed,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Path project = work.resolve("consumer");
    Files.createDirectories(project);
    Files.writeString(project.resolve("pom.xml"), consumerPom(version));
    Files.writeString(work.resolve("settings.xml"), settings(buildRepo));
    Files.writeString(work.resolve("global-settings.xml"), "<settings/>\n");

    Path effective = project.resolve("effective-pom.xml");
    Files.deleteIfExists(effective);
    List<String> command = List.of(mvn.toString(), "-B", "-q",
        "-s", work.resolve("settings.xml").toString(),
        "-gs", work.resolve("global-settings.xml").toString(),
        "-Dmaven.repo.local=" + repo,
        "org.apache.maven.plugins:maven-help-plugin:"
            + System.getProperty("help.plugin.version", "3.5.1") + ":effective-pom",
        "-Doutput=" + effective);
    ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("mvn.log").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("MAVEN_OPTS");
    Process p = pb.start();
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("nested Maven did not finish in 4 minutes; see " + work + "/mvn.log");
    }
    assertThat(p.exitValue()).as("nested Maven (log: %s)\n%s", work.resolve("mvn.log"),
        Files.readString(work.resolve("mvn.log"))).isZero();

    Set<String> managed = new TreeSet<>();
    Element dm = child(read(effective), "dependencyManagement");
    if (dm != null) {
      for (Element d : children(child(dm, "dependencies"), "dependency")) {
        managed.add(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version"));
      }
    }
    Files.writeString(work.resolve("effective-dependency-management.txt"),
        String.join("\n", managed) + "\n");

    Set<String> expected = new TreeSet<>();
    for (String artifactId : publishedModules()) {
      expected.add(GROUP + ":" + artifactId + ":" + version);
    }
    expected.remove(GROUP + ":quantix-agent-bom:" + version);
    assertThat(managed).as("dependencyManagement of a project that imports only the BOM")
        .isEqualTo(expected);
  }

  /** artifactIds of every reactor module that is installed (not skipped), read from the POMs. */
  private List<String> publishedModules() throws Exception {
    List<String> published = new ArrayList<>();
    Element modules = child(read(root.resolve("pom.xml")), "modules");
    for (Element module : children(modules, "module")) {
      Element pom = read(root.resolve(module.getTextContent().trim()).resolve("pom.xml"));
      if (!skipsInstall(pom)) {
        published.add(text(pom, "artifactId"));
      }
    }
    assertThat(published).as("published modules").contains("quantix-agent-core");
    return published;
  }

  private static boolean skipsInstall(Element pom) {
    Element props = child(pom, "properties");
    if (props != null && "true".equals(text(props, "maven.install.skip"))) {
      return true;
    }
    Element build = child(pom, "build");
    Element plugins = build == null ? null : child(build, "plugins");
    for (Element plugin : children(plugins, "plugin")) {
      Element config = child(plugin, "configuration");
      if ("maven-install-plugin".equals(text(plugin, "artifactId")) && config != null
          && "true".equals(text(config, "skip"))) {
        return true;
      }
    }
    return false;
  }

  private static String consumerPom(String version) {
    return """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>bom-consumer</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>io.quantix.agent</groupId>
                <artifactId>quantix-agent-bom</artifactId>
                <version>%s</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
        </project>
        """.formatted(version);
  }

  /** Every remote read goes to this build's local repository, read-only: no network. */
  private static String settings(Path buildRepo) {
    String url = buildRepo.toUri().toString();
    String repo = """
          <id>central</id><url>%s</url>
          <releases><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        """.formatted(url);
    return """
        <settings>
          <mirrors><mirror><id>build-local</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
          <profiles><profile><id>build-local</id>
            <repositories><repository>%s</repository></repositories>
            <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
          </profile></profiles>
          <activeProfiles><activeProfile>build-local</activeProfile></activeProfiles>
        </settings>
        """.formatted(url, repo, repo);
  }

  private static Element read(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try {
      Document doc = f.newDocumentBuilder().parse(pom.toFile());
      return doc.getDocumentElement();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + pom, e);
    }
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getTagName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
