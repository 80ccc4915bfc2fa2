package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Kind;
import dev.neons3backup.testing.SecretsManagerStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The function logs the JIT level and the heap limit in effect once per cold start, whatever the
 * number of invocations, so the first real run on Lambda shows whether JAVA_TOOL_OPTIONS took
 * effect. The runtime here is the real runtime interface client in a child JVM started the way
 * Lambda's Java runtime starts it (LambdaProcess: -XX:TieredStopAtLevel=1 on its command line).
 */
class ColdStartLogIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(15);

  @Test
  void logsTheJitLevelAndHeapLimitOnceAcrossInvocations() {
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            function(runtime, "jit-level-4").jvmArg("-XX:TieredStopAtLevel=4").start()) {
      invokeTwice(runtime);

      JsonNode line = theOnlyJvmSettingsLine(lambda);
      assertThat(line.path("level").asText()).isEqualTo("INFO");
      assertThat(line.path("tieredStopAtLevel").asText()).isEqualTo("4");
      assertThat(line.path("tieredCompilation").asText()).isEqualTo("true");
      assertThat(line.path("maxHeapMib").asInt()).isBetween(1, 128);
      assertThat(line.path("message").asText()).contains("(JIT up to C2)");
    }
  }

  /**
   * HotSpot reads JAVA_TOOL_OPTIONS before the command line, so a level given on the command line
   * wins: the line reports the level that is really in effect, not the one asked for.
   */
  @Test
  void reportsTheLevelInEffectWhenJavaToolOptionsIsOverriddenByTheCommandLine() {
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            function(runtime, "jit-tool-options")
                .env("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=4")
                .start()) {
      invokeTwice(runtime);

      JsonNode line = theOnlyJvmSettingsLine(lambda);
      assertThat(line.path("tieredStopAtLevel").asText()).isEqualTo("1");
      assertThat(line.path("message").asText()).contains("(JIT up to C1)");
    }
  }

  private static void invokeTwice(LambdaRuntimeEmulator runtime) {
    for (int i = 0; i < 2; i++) {
      assertThat(runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT).kind())
          .isEqualTo(Kind.ERROR); // the secret does not exist; the run itself is not the point
    }
  }

  private static JsonNode theOnlyJvmSettingsLine(LambdaProcess lambda) {
    List<JsonNode> lines =
        lambda.jsonLines().stream()
            .filter(l -> l.path("message").asText().startsWith("JVM settings:"))
            .toList();
    assertThat(lines).as("JVM settings lines; output:%n%s", lambda.output()).hasSize(1);
    return lines.get(0);
  }

  private static LambdaProcess.Builder function(LambdaRuntimeEmulator runtime, String name) {
    return LambdaProcess.builder(runtime)
        .name(name)
        .maxHeap("128m")
        .env("S3_BUCKET", "never-reached")
        .env("SECRET_NAME", "missing-" + UUID.randomUUID())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY);
  }

  private static String scheduledEvent() {
    try {
      return Files.readString(Path.of("events/scheduled-event.json"));
    } catch (IOException e) {
      throw new AssertionError("events/scheduled-event.json is missing", e);
    }
  }
}
