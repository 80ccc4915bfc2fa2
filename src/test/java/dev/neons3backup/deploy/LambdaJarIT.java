package dev.neons3backup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The packaged jar (what the Dockerfile copies into the image) holds the CMD's handler. */
class LambdaJarIT {
  @Test
  void shadedJarContainsTheHandlerClassAndTheCliMain() throws Exception {
    Path jar = Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"));
    assertThat(jar).as("run after mvn package").isRegularFile();
    String handlerClass = Project.HANDLER.split("::")[0].replace('.', '/') + ".class";
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getJarEntry(handlerClass)).as(handlerClass).isNotNull();
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.neons3backup.cli.Main");
    }
    assertThat(Files.size(jar)).isPositive();
  }
}
