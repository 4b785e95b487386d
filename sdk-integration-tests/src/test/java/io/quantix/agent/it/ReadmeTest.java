package io.quantix.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README cannot rot away from the code a newcomer copies: its tour is examples/consumer's
 * Tour.java verbatim and its test example is TourTest.java (both built and run by
 * examples/consumer/run.sh in CI against the installed artifacts), its dependency snippet matches
 * the consumer's POM, and it still opens with the two commands it always has.
 */
class ReadmeTest {
  private static final Path ROOT = Path.of(System.getProperty("sdk.root", "..")).toAbsolutePath()
      .normalize();
  private static final Path CONSUMER = ROOT.resolve("examples/consumer");

  private static String readme() throws Exception {
    return Files.readString(ROOT.resolve("README.md"));
  }

  @Test
  void theTourIsTheConsumersTourProgram() throws Exception {
    String tour = Files.readString(
        CONSUMER.resolve("src/main/java/com/example/agenttour/Tour.java"));
    assertThat(readme()).as("README.md must contain examples/consumer/.../Tour.java verbatim")
        .contains("```java\n" + tour + "```\n");
  }

  @Test
  void theTestExampleIsTheConsumersTest() throws Exception {
    String test = Files.readString(
        CONSUMER.resolve("src/test/java/com/example/agenttour/TourTest.java"));
    assertThat(readme()).as("README.md must contain examples/consumer/.../TourTest.java verbatim")
        .contains("```java\n" + test + "```\n");
  }

  @Test
  void theDependencySnippetIsTheConsumersPom() throws Exception {
    String pom = Files.readString(CONSUMER.resolve("pom.xml"));
    for (String line : new String[] {
        "<artifactId>quantix-agent-bom</artifactId>",
        "<dependency><groupId>io.quantix.agent</groupId><artifactId>quantix-agent-core</artifactId></dependency>",
        "<dependency><groupId>io.quantix.agent</groupId><artifactId>quantix-agent-transport-virtio</artifactId></dependency>",
        "<dependency><groupId>io.quantix.agent</groupId><artifactId>quantix-agent-testkit</artifactId><scope>test</scope></dependency>"}) {
      assertThat(pom).contains(line);
      assertThat(readme()).contains(line);
    }
  }

  @Test
  void theReadmeStillOpensWithItsTwoCommands() throws Exception {
    String opening = """
        ```sh
        # 1. Build, then run the agentctl demo against an embedded fake agent (no VM needed)
        mvn -B -q -DskipTests package -pl examples -am && java -jar examples/target/agentctl.jar demo

        # 2. Run the tests
        mvn -B verify
        ```""";
    String readme = readme();
    assertThat(readme.indexOf("```")).as("first code block").isEqualTo(readme.indexOf(opening));
  }
}
