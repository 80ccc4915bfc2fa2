package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.testing.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In the packaged jar (what the Lambda runs), Apache HttpClient's log events go through Log4j: they
 * come out as the JSON lines of log4j2.xml on stdout, not as java.util.logging text on stderr.
 */
class ShadedJarLoggingIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void apacheHttpClientLogsAsLog4jJsonLinesInThePackagedJar() throws Exception {
    Path jar = Path.of(System.getProperty("project.jar", "target/neon-s3-backup.jar"));
    assertThat(jar).as("run after mvn package").isRegularFile();
    Path probeClasses =
        Path.of(
            HttpClientLogProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ProcessRunner.Result result =
        ProcessRunner.run(
                List.of(java, "-cp", jar + ":" + probeClasses, HttpClientLogProbe.class.getName()),
                Map.of(),
                Path.of("."),
                "",
                Duration.ofMinutes(2))
            .check();

    List<JsonNode> events = new ArrayList<>();
    for (String line : result.stdout().lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.path("logger").asText()).startsWith("org.apache.http.impl.conn.");
              assertThat(e.path("level").asText()).isEqualTo("DEBUG");
              assertThat(e.path("message").asText()).contains("shutting down");
            });
    assertThat(result.stderr()).as("nothing through java.util.logging").isEmpty();
  }
}
