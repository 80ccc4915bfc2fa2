package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build formats code on a developer's machine and checks it in CI: this project's pom.xml,
 * copied beside one badly formatted source, run by Maven as each would run it.
 */
class FormattingCheckIT {
  private static final String UNFORMATTED = "class Messy {   int x ;}\n";

  @TempDir Path project;

  @Test
  void inCiTheBuildFailsOnUnformattedCodeAndChangesNothing() throws IOException {
    Path source = copyWithUnformattedSource();

    ProcessRunner.Result result = maven(Map.of("CI", "true"));

    assertThat(result.exitCode()).as("exit code").isNotZero();
    assertThat(result.stdout()).contains("src/main/java/Messy.java").contains("spotless:apply");
    assertThat(Files.readString(source)).isEqualTo(UNFORMATTED);
  }

  @Test
  void locallyTheBuildFormatsTheCode() throws IOException {
    Path source = copyWithUnformattedSource();

    ProcessRunner.Result result = maven(Map.of("CI", "false"));

    assertThat(result.exitCode()).as(result.stdout()).isZero();
    assertThat(Files.readString(source)).isEqualTo("class Messy {\n  int x;\n}\n");
  }

  private Path copyWithUnformattedSource() throws IOException {
    Files.copy(Project.file("pom.xml"), project.resolve("pom.xml"));
    Path source = project.resolve("src/main/java/Messy.java");
    Files.createDirectories(source.getParent());
    return Files.writeString(source, UNFORMATTED);
  }

  /** Only the formatting phase: the plugin is already in the local repository of this build. */
  private ProcessRunner.Result maven(Map<String, String> env) {
    return ProcessRunner.run(
        List.of("mvn", "-B", "-o", "-ntp", "process-sources"),
        env,
        project,
        "",
        Duration.ofMinutes(3));
  }
}
