package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.FaultyProxy;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Kind;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 takes the parts and never answers: the function, run as Lambda runs it, still returns before
 * the deadline its Context reports, naming the database that timed out, and aborts its upload.
 */
class StalledS3AsLambdaIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final Duration DEADLINE = Duration.ofSeconds(50);

  @Test
  void returnsBeforeItsDeadlineWhenS3StallsAndNamesTheDatabaseThatTimedOut() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String big = database(pg, "stall_big");
    // ~45 MB of hex text: several 8 MiB parts after gzip.
    pg.psql(
        big,
        "CREATE TABLE big AS SELECT g, md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text)"
            + " AS h FROM generate_series(1, 400000) g;");
    String small = database(pg, "stall_small");
    pg.psql(small, "CREATE TABLE t AS SELECT g FROM generate_series(1, 10) g;");
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "stall-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "stall-" + bucket;
    SecretsManagerStub.shared()
        .putSecret(
            secretId,
            "{\"databases\": [{\"name\": \"victim\", \"url\": \""
                + pg.url(big)
                + "\"}, {\"name\": \"bystander\", \"url\": \""
                + pg.url(small)
                + "\"}]}");

    try (FaultyProxy stalled = FaultyProxy.to(s3.endpoint());
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime)
                .name("stalled-s3")
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("BACKUP_DEADLINE_MARGIN_SECONDS", "20")
                .env("AWS_ENDPOINT_URL_S3", stalled.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      lambda.awaitReady(WAIT);
      stalled.holdResponsesOnConnectionsCarrying(1L << 20);
      String event = Files.readString(Path.of("events/scheduled-event.json"));

      // The emulator enforces the deadline: an invocation still running then is TIMED_OUT.
      Invocation run = runtime.invoke(event, WAIT, DEADLINE);

      assertThat(run.kind()).as(run.body() + "\n" + lambda.output()).isEqualTo(Kind.ERROR);
      assertThat(stalled.held()).as("part uploads were held").isPositive();
      assertThat(run.errorMessage())
          .startsWith("Backup failed for 1 of 2 databases")
          .contains("'victim': stopped, the invocation was running out of time")
          .doesNotContain("'bystander'");
      try (S3Client client = s3.client()) {
        assertThat(client.listObjectsV2(r -> r.bucket(bucket)).contents())
            .allSatisfy(o -> assertThat(o.key()).startsWith("bystander/"));
        Waits.until(
            "the victim's multipart upload to be aborted",
            Duration.ofSeconds(60),
            () -> client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());
      }
    }
  }

  private static String database(PostgresCluster pg, String prefix) {
    String db = prefix + "_" + UUID.randomUUID().toString().substring(0, 6);
    pg.createDatabase(db);
    return db;
  }
}
