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
import dev.neons3backup.testing.SnsEmulator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scheduled drill exactly as deployed: {@code {"action":"drill"}} to the function's handler
 * (the BackupHandler of the single shape and the DispatchHandler of the fleet shape), with the
 * scratch server from the secret's {@code drillTarget}, metrics on stdout and one SNS message per
 * failed run.
 */
class DrillAsLambdaIT {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final String DRILL = "{\"action\":\"drill\"}";
  private static final String DISPATCH_HANDLER =
      "dev.neons3backup.lambda.DispatchHandler::handleRequest";

  @Test
  void drillsFromTheSecretsTargetAndAlarmsOnAFailedDrill() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String db = "lambda_drl_" + UUID.randomUUID().toString().substring(0, 6);
    pg.createDatabase(db);
    pg.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g;");
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "drill-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "drill-" + bucket;
    String list = "\"databases\": [{\"name\": \"shop\", \"url\": \"" + pg.url(db) + "\"}]";
    SecretsManagerStub.shared().putSecret(secretId, "{" + list + "}");

    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda = function(runtime, null, bucket, secretId, sns).start()) {
      lambda.awaitReady(WAIT);
      Invocation backup =
          runtime.invoke(
              Files.readString(Path.of("events/scheduled-event.json")),
              WAIT,
              Duration.ofMinutes(15));
      assertThat(backup.succeeded()).as(lambda.output()).isTrue();

      Invocation noTarget = runtime.invoke(DRILL, WAIT, Duration.ofMinutes(15));
      assertThat(noTarget.succeeded()).isFalse();
      assertThat(noTarget.errorMessage())
          .contains("secret '" + secretId + "' has no \"drillTarget\"")
          .doesNotContain("\n");

      SecretsManagerStub.shared()
          .putSecret(secretId, "{" + list + ", \"drillTarget\": \"" + pg.url("postgres") + "\"}");
      Invocation passed = runtime.invoke(DRILL, WAIT, Duration.ofMinutes(15));
      assertThat(passed.succeeded()).as(passed.body() + lambda.output()).isTrue();
      assertThat(passed.json().path("drills").get(0).path("outcome").asText()).isEqualTo("passed");
      assertThat(lambda.jsonLines())
          .anySatisfy(
              l -> {
                assertThat(l.path("DrillPassed").asInt()).isEqualTo(1);
                assertThat(l.path("DrillFailed").asInt()).isZero();
                assertThat(l.path("database").asText()).isEqualTo("shop");
              });
      assertThat(sns.published()).isEmpty();

      loseRow(s3, bucket, "shop/2026-11-24_02-00-00.sql.gz");
      Invocation failed = runtime.invoke(DRILL, WAIT, Duration.ofMinutes(15));
      assertThat(failed.succeeded()).isFalse();
      assertThat(failed.errorMessage()).contains("restore drill failed for shop");
      assertThat(lambda.jsonLines())
          .anySatisfy(l -> assertThat(l.path("DrillFailed").asInt()).isEqualTo(1));
      assertThat(sns.published())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.subject()).isEqualTo("neon-s3-backup: restore drill failed for shop");
                assertThat(p.message()).contains("database 'shop'", "recorded 100, restored 99");
              });
      assertThat(lambda.output()).doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);
    }

    // The fleet shape's function routes the same event to the same drill.
    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess dispatcher =
            function(runtime, DISPATCH_HANDLER, bucket, secretId, sns).start()) {
      dispatcher.awaitReady(WAIT);
      Invocation failed = runtime.invoke(DRILL, WAIT, Duration.ofMinutes(15));
      assertThat(failed.succeeded()).isFalse();
      assertThat(failed.errorMessage()).contains("restore drill failed for shop");
      assertThat(sns.published()).hasSize(1);
      JsonNode record = drillRecord(s3, bucket);
      assertThat(record.path("outcome").asText()).isEqualTo("failed");
    }
    pg.dropDatabase(db);
  }

  @Test
  void aDrillShortOfTimeDrillsTheFirstAndLeavesTheRestForTheNextRun() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String db = "lambda_drt_" + UUID.randomUUID().toString().substring(0, 6);
    pg.createDatabase(db);
    pg.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g;");
    String bucket = "drill-" + UUID.randomUUID().toString().substring(0, 8);
    S3MockServer.shared().createBucket(bucket);
    String secretId = "drill-" + bucket;
    String entries =
        Stream.of("a", "b", "c")
            .map(n -> "{\"name\": \"" + n + "\", \"url\": \"" + pg.url(db) + "\"}")
            .collect(Collectors.joining(", "));
    SecretsManagerStub.shared()
        .putSecret(
            secretId,
            "{\"databases\": [" + entries + "], \"drillTarget\": \"" + pg.url("postgres") + "\"}");
    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda = function(runtime, null, bucket, secretId, sns).start()) {
      lambda.awaitReady(WAIT);
      Invocation backup =
          runtime.invoke(
              Files.readString(Path.of("events/scheduled-event.json")),
              WAIT,
              Duration.ofMinutes(15));
      assertThat(backup.succeeded()).as(lambda.output()).isTrue();

      // Less than the drill margin from the start: only the first drill may start.
      Invocation first = runtime.invoke(DRILL, WAIT, Duration.ofSeconds(100));
      assertThat(first.succeeded()).as(first.body() + lambda.output()).isTrue();
      assertThat(first.json().path("drills"))
          .singleElement()
          .satisfies(d -> assertThat(d.path("name").asText()).isEqualTo("a"));
      assertThat(first.json().path("notDrilled").toString()).isEqualTo("[\"b\",\"c\"]");
      assertThat(lambda.output()).contains("2 of 3 databases not drilled this run");

      // Never drilled first, then drilled longest ago.
      Invocation second = runtime.invoke(DRILL, WAIT, Duration.ofSeconds(100));
      assertThat(second.succeeded()).as(second.body() + lambda.output()).isTrue();
      assertThat(second.json().path("drills").get(0).path("name").asText()).isEqualTo("b");
      assertThat(second.json().path("notDrilled").toString()).isEqualTo("[\"c\",\"a\"]");
      assertThat(sns.published()).isEmpty();
    } finally {
      pg.dropDatabase(db);
    }
  }

  private static LambdaProcess.Builder function(
      LambdaRuntimeEmulator runtime,
      String handler,
      String bucket,
      String secretId,
      SnsEmulator sns) {
    LambdaProcess.Builder b = LambdaProcess.builder(runtime).name("drill");
    if (handler != null) {
      b.handler(handler);
    }
    return b.env("S3_BUCKET", bucket)
        .env("SECRET_NAME", secretId)
        .env("ALARM_TOPIC_ARN", sns.topic("alarms"))
        .env("AWS_ENDPOINT_URL_S3", S3MockServer.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY);
  }

  /** Rewrites the stored object so it still decompresses, but one row of t is gone. */
  private static void loseRow(S3MockServer s3, String bucket, String key) throws Exception {
    try (S3Client client = s3.client()) {
      String sql;
      try (var in = new GZIPInputStream(client.getObject(r -> r.bucket(bucket).key(key)))) {
        sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(sql).contains("\n42\n");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out = new GZIPOutputStream(bytes)) {
        out.write(sql.replace("\n42\n", "\n").getBytes(StandardCharsets.UTF_8));
      }
      client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes.toByteArray()));
    }
  }

  private static JsonNode drillRecord(S3MockServer s3, String bucket) throws Exception {
    try (S3Client client = s3.client()) {
      byte[] json =
          client
              .getObjectAsBytes(
                  r -> r.bucket(bucket).key("shop/2026-11-24_02-00-00.sql.gz.drill.json"))
              .asByteArray();
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    }
  }
}
