package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The nightly job exactly as Lambda runs it — the handler string {@code
 * dev.neons3backup.lambda.BackupHandler::handleRequest} loaded by the real runtime client in its
 * own JVM, the real scheduled event, the runtime's Context — backing up a real database whose
 * stored backup is larger than the function's whole heap, into s3mock, with no temporary file.
 */
class ScheduledBackupAsLambdaIT {
  private static final Duration WAIT = Duration.ofMinutes(5);

  @TempDir Path tmp;

  @Test
  void backsUpADatabaseLargerThanItsHeapWithoutATemporaryFileAndSkipsItOnRetry() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String db = "lambda_big_" + UUID.randomUUID().toString().substring(0, 6);
    pg.createDatabase(db);
    // ~240 MB of distinct hex text: about 135 MB stored after gzip, against a 96 MB heap.
    pg.psql(
        db,
        "CREATE TABLE big AS SELECT g, md5(g || 'a') || md5(g || 'b') || md5(g || 'c') ||"
            + " md5(g || 'd') || md5(g || 'e') || md5(g || 'f') AS h"
            + " FROM generate_series(1, 1200000) g;");
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "lambda-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "lambda-" + bucket;
    SecretsManagerStub.shared()
        .putSecret(
            secretId,
            "{\"databases\": [{\"name\": \"big-one\", \"url\": \"" + pg.url(db) + "\"}]}");
    Path tmpDir = Files.createDirectories(tmp.resolve("function-tmp"));

    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime)
                .name("scheduled-backup")
                .maxHeap("96m")
                .tmpDir(tmpDir)
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("AWS_ENDPOINT_URL_S3", s3.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      lambda.awaitReady(WAIT);
      String event = Files.readString(Path.of("events/scheduled-event.json"));

      Invocation first = runtime.invoke(event, WAIT, Duration.ofMinutes(15));

      assertThat(first.succeeded()).as(first.body() + "\n" + lambda.output()).isTrue();
      JsonNode result = first.json().path("results").get(0);
      assertThat(first.json().path("statusCode").asInt()).isEqualTo(200);
      assertThat(result.path("status").asText()).isEqualTo("succeeded");
      String key = "big-one/2026-11-24_02-00-00.sql.gz";
      assertThat(result.path("path").asText()).isEqualTo("s3://" + bucket + "/" + key);
      long stored = result.path("storedBytes").asLong();
      assertThat(stored).as("stored bytes exceed the 96 MB heap").isGreaterThan(96L << 20);
      assertThat(result.path("totalRows").asLong()).isEqualTo(1_200_000);
      try (S3Client client = s3.client()) {
        assertThat(client.headObject(r -> r.bucket(bucket).key(key)).contentLength())
            .isEqualTo(stored);
        assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
      }
      try (Stream<Path> files = Files.list(tmpDir)) {
        assertThat(files).as("no temporary file").isEmpty();
      }

      Invocation retry = runtime.invoke(event, WAIT, Duration.ofMinutes(15));
      assertThat(retry.json().path("results").get(0).path("status").asText()).isEqualTo("skipped");

      List<JsonNode> lines = lambda.jsonLines();
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.path("database").asText()).isEqualTo("big-one");
                assertThat(l.path("outcome").asText()).isEqualTo("succeeded");
                assertThat(l.path("storedBytes").asLong()).isEqualTo(stored);
              });
      assertThat(lines)
          .anySatisfy(
              l ->
                  assertThat(l.path("message").asText())
                      .isEqualTo("Backup complete: 1 succeeded, 0 failed out of 1 databases"));
      assertThat(lines).anySatisfy(l -> assertThat(l.path("BackupSucceeded").asInt()).isEqualTo(1));
      assertThat(lines).anySatisfy(l -> assertThat(l.path("RunSucceeded").asInt()).isEqualTo(1));
      assertThat(lambda.output()).doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);
    }
  }
}
