package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The container image recipe and the SAM CLI configuration. */
class ImageAndSamConfigTest {
  private final Dockerfile dockerfile = Dockerfile.parse(Project.read("Dockerfile"));

  @Test
  void buildsTheJarInAMavenStageAndRunsOnTheLambdaJava21Image() {
    List<String> stages = dockerfile.all("FROM");
    assertThat(stages.get(0)).contains("/maven:").endsWith("AS build");
    assertThat(stages.get(stages.size() - 1)).isEqualTo("public.ecr.aws/lambda/java:21");
    assertThat(dockerfile.all("RUN"))
        .anySatisfy(run -> assertThat(run).contains("mvn -B").contains("package"));
  }

  @Test
  void putsTheShadedJarOnTheLambdaClasspath() {
    assertThat(dockerfile.finalStage().all("COPY"))
        .contains(
            "--from=build /src/target/neon-s3-backup.jar ${LAMBDA_TASK_ROOT}/lib/neon-s3-backup.jar");
  }

  @Test
  void installsTheClientsOfEveryPostgresMajorFrom15FromTheDistribution() {
    assertThat(dockerfile.all("RUN"))
        .anySatisfy(
            run -> assertThat(run).isEqualTo("/usr/local/bin/extract-pg-clients.sh /out 15 30"));
    String script = Project.read("docker/extract-pg-clients.sh");
    assertThat(script)
        .contains("for required in 15 16 17")
        .contains("dnf -q download")
        .contains("rpm --checksig")
        .contains("$out/opt/pg$major/bin");
    // The final image proves every client starts (no missing shared library) at build time.
    assertThat(dockerfile.finalStage().all("RUN"))
        .anySatisfy(
            run -> assertThat(run).contains("/opt/pg*/bin").contains("pg_dump\" --version"));
    assertThat(dockerfile.finalStage().all("COPY")).contains("--from=pg /out/opt/ /opt/");
  }

  @Test
  void keepsBuildOutputAndLocalCachesOutOfTheBuildContext() {
    assertThat(Project.read(".dockerignore").lines().map(String::strip))
        .contains("target", ".cache", ".git");
  }

  @Test
  void commitsNoPrebuiltBinaries() throws IOException {
    Set<String> skipped = Set.of(".git", "target", ".cache", "node_modules");
    try (Stream<Path> files = Files.walk(Project.ROOT)) {
      List<Path> binaries =
          files
              .filter(Files::isRegularFile)
              .filter(p -> Project.ROOT.relativize(p).getNameCount() > 0)
              .filter(p -> !skipped.contains(Project.ROOT.relativize(p).getName(0).toString()))
              .filter(ImageAndSamConfigTest::isNativeBinary)
              .toList();
      assertThat(binaries).isEmpty();
    }
  }

  @Test
  void samConfigDeploysTheNeonDbBackupStackWithAnImageRepository() {
    List<String> lines = Project.read("samconfig.toml").lines().map(String::strip).toList();
    assertThat(lines).contains("version = 0.1", "stack_name = \"neon-db-backup\"");
    assertThat(lines).contains("capabilities = \"CAPABILITY_IAM\"", "resolve_image_repos = true");
  }

  private static boolean isNativeBinary(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".rpm") || name.endsWith(".deb") || name.matches(".*\\.so(\\.\\d+)*")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 0x7f
          && magic[1] == 'E'
          && magic[2] == 'L'
          && magic[3] == 'F';
    } catch (IOException e) {
      throw new IllegalStateException(file.toString(), e);
    }
  }
}
