package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaProcess.Layout;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Kind;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The handler as the Lambda runtime calls it: by its handler string, in a child JVM run by the real
 * runtime interface client, with the real scheduled-event JSON and the runtime's own Context. Needs
 * no database and no S3: the secret it names does not exist, so the invocation fails before any.
 */
class LambdaRuntimeSmokeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration FUNCTION_TIMEOUT = Duration.ofMinutes(15);

  @ParameterizedTest
  @EnumSource(Layout.class)
  void reportsAMissingSecretAsAOneLineInvocationErrorAndKeepsServing(Layout layout) {
    SecretsManagerStub secrets = SecretsManagerStub.shared();
    String secretId = "missing-" + UUID.randomUUID();
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda = missingSecretFunction(runtime, secretId, layout).start()) {
      Duration init = lambda.awaitReady(WAIT);

      Invocation first = runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT);
      Invocation second = runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT);

      String expected = "secret '" + secretId + "' was not found; create it or fix SECRET_NAME.";
      for (Invocation invocation : List.of(first, second)) {
        assertThat(invocation.kind()).as(invocation.body()).isEqualTo(Kind.ERROR);
        assertThat(invocation.errorType()).isEqualTo("dev.neons3backup.BackupException");
        assertThat(invocation.errorMessage()).isEqualTo(expected);
        assertThat(invocation.functionErrorType()).isEqualTo("Runtime.UserException");
        assertThat(invocation.json().path("stackTrace").isArray()).isTrue();
      }
      assertThat(second.requestId()).isNotEqualTo(first.requestId());
      assertThat(secrets.requestCount(secretId)).isEqualTo(2);
      assertThat(lambda.isAlive()).as("a warm runtime serves the next event").isTrue();
      System.out.printf(
          "%s: init %d ms, first invocation %d ms, second %d ms, log %s%n",
          layout,
          init.toMillis(),
          first.elapsed().toMillis(),
          second.elapsed().toMillis(),
          lambda.logFile());
    }
  }

  /**
   * CloudWatch Logs Insights queries the handler's JSON fields, so the shaded jar must log JSON
   * lines (Log4j's JsonTemplateLayout is found through the plugin cache the shade plugin merges),
   * and the failure line must carry the request id of the invocation it belongs to.
   */
  @Test
  void logsTheFailureAsAJsonLineCarryingTheRequestId() {
    String secretId = "missing-" + UUID.randomUUID();
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda = missingSecretFunction(runtime, secretId, Layout.TASK_ROOT).start()) {
      Invocation invocation = runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT);

      assertThat(invocation.kind()).as(invocation.body()).isEqualTo(Kind.ERROR);
      assertThat(lambda.output()).doesNotContain("JsonTemplateLayout", "found 2 resources");
      List<JsonNode> errors =
          lambda.jsonLines().stream()
              .filter(line -> line.path("level").asText().equals("ERROR"))
              .toList();
      assertThat(errors)
          .as("ERROR lines in JSON; output:%n%s", lambda.output())
          .hasSize(1)
          .allSatisfy(
              line -> {
                assertThat(line.path("message").asText()).isEqualTo(invocation.errorMessage());
                assertThat(line.path("logger").asText())
                    .isEqualTo("dev.neons3backup.lambda.BackupHandler");
                assertThat(line.path("requestId").asText()).isEqualTo(invocation.requestId());
              });
    }
  }

  @Test
  void aRuntimeThatDiesFailsTheInvocationWithItsExitCodeAndLog() {
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime).name("dies").jvmArg("-XX:MaxHeapSize=1k").start()) {
      assertThatThrownBy(() -> runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("exited with code 1 before asking for invocation")
          .hasMessageContaining("heap");
      assertThat(lambda.exitCode()).hasValue(1);
    }
  }

  @Test
  void aHandlerStringNamingNoClassIsReportedByTheRuntime() {
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime)
                .name("no-class")
                .handler("dev.neons3backup.lambda.NoSuchHandler::handleRequest")
                .start()) {
      Invocation invocation = runtime.invoke(scheduledEvent(), WAIT, FUNCTION_TIMEOUT);

      // RIC 2.9.0 loads the class at init but reports its absence per invocation, and lives on.
      assertThat(invocation.kind()).as(invocation.body()).isEqualTo(Kind.ERROR);
      assertThat(invocation.errorType()).isEqualTo("java.lang.ClassNotFoundException");
      assertThat(invocation.errorMessage())
          .isEqualTo("Class not found: dev.neons3backup.lambda.NoSuchHandler");
      assertThat(invocation.functionErrorType()).isEqualTo("Runtime.BadFunctionCode");
      assertThat(lambda.isAlive()).isTrue();
    }
  }

  @Test
  void killsTheRuntimeWhenTheFunctionTimeoutPassesAsLambdaDoes() throws IOException {
    try (BlackHole secretsManager = new BlackHole();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            missingSecretFunction(runtime, "any", Layout.TASK_ROOT)
                .name("timeout")
                .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManager.endpoint())
                .start()) {
      lambda.awaitReady(WAIT);

      Invocation invocation = runtime.invoke(scheduledEvent(), WAIT, Duration.ofSeconds(3));

      assertThat(invocation.kind()).isEqualTo(Kind.TIMED_OUT);
      assertThat(invocation.errorMessage()).isEqualTo("Task timed out after 3.00 seconds");
      Waits.until("the timed-out runtime to be killed", WAIT, () -> !lambda.isAlive());
    }
  }

  /** A loopback server that accepts connections and never answers: a hung dependency. */
  private static final class BlackHole implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    BlackHole() throws IOException {
      Thread acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    held.add(socket.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "black-hole");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /**
   * The backup function with every setting it needs but a secret that does not exist (the stub
   * answers ResourceNotFoundException for unknown ids); S3 points at a port where nothing listens.
   */
  private static LambdaProcess.Builder missingSecretFunction(
      LambdaRuntimeEmulator runtime, String secretId, Layout layout) {
    return LambdaProcess.builder(runtime)
        .name("missing-secret-" + layout)
        .layout(layout)
        .maxHeap("128m")
        .env("S3_BUCKET", "never-reached")
        .env("SECRET_NAME", secretId)
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY);
  }

  private static String scheduledEvent() {
    try {
      return Files.readString(Path.of("events/scheduled-event.json"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("events/scheduled-event.json is missing", e);
    }
  }
}
