package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.SnsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The shrink alarm as Lambda runs the scheduled function (its handler string in its own JVM, the
 * real scheduled event): two nights, and between them one database loses most of its rows. The
 * second night stores both backups and succeeds, emits BackupShrunk 1 for that database only, and
 * publishes one SNS message naming it and its drop.
 */
class ShrinkAlarmAsLambdaIT {
  private static final Duration WAIT = Duration.ofMinutes(3);

  @Test
  void aShrunkenBackupEmitsTheMetricAndOneAlarmNamingTheDatabase() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String shrinking = "lambda_shrink_" + suffix;
    String steady = "lambda_steady_" + suffix;
    for (String db : List.of(shrinking, steady)) {
      pg.createDatabase(db);
      pg.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 5000) g;");
    }
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "shrink-" + suffix;
    s3.createBucket(bucket);
    String secretId = "shrink-" + bucket;
    SecretsManagerStub.shared()
        .putSecret(
            secretId,
            "{\"databases\": [{\"name\": \"orders\", \"url\": \""
                + pg.url(shrinking)
                + "\"}, {\"name\": \"steady\", \"url\": \""
                + pg.url(steady)
                + "\"}]}");
    String event = Files.readString(Path.of("events/scheduled-event.json"));

    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime)
                .name("shrink-alarm")
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("ALARM_TOPIC_ARN", sns.topic("alarms"))
                .env("AWS_ENDPOINT_URL_S3", s3.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      lambda.awaitReady(WAIT);
      Invocation first = runtime.invoke(event, WAIT, Duration.ofMinutes(15));
      assertThat(first.succeeded()).as(first.body() + "\n" + lambda.output()).isTrue();
      pg.psql(shrinking, "DELETE FROM t WHERE id > 500;");

      Invocation second =
          runtime.invoke(
              event.replace("2026-11-24T02:00:00Z", "2026-11-25T02:00:00Z"),
              WAIT,
              Duration.ofMinutes(15));

      assertThat(second.succeeded()).as(second.body() + "\n" + lambda.output()).isTrue();
      JsonNode results = second.json().path("results");
      assertThat(results.get(0).path("status").asText()).isEqualTo("succeeded");
      assertThat(results.get(0).path("shrink").path("measure").asText()).isEqualTo("rows");
      assertThat(results.get(1).has("shrink")).isFalse();
      List<JsonNode> lines = lambda.jsonLines();
      assertThat(lines)
          .anySatisfy(
              l ->
                  assertThat(l.path("message").asText())
                      .isEqualTo("Backup complete: 2 succeeded, 0 failed out of 2 databases"));
      assertThat(metricLines(lines, "orders"))
          .extracting(l -> l.path(EmbeddedMetrics.BACKUP_SHRUNK).asInt())
          .containsExactly(0, 1);
      assertThat(metricLines(lines, "steady"))
          .extracting(l -> l.path(EmbeddedMetrics.BACKUP_SHRUNK).asInt())
          .containsExactly(0, 0);
      assertThat(sns.published()).hasSize(1);
      SnsEmulator.Published alarm = sns.published().get(0);
      assertThat(alarm.subject()).isEqualTo("neon-s3-backup: 1 backup shrank");
      assertThat(alarm.message())
          .contains("orders: rows fell 90 % since the previous backup (5000 → 500)")
          .doesNotContain("steady");
    }
  }

  @Test
  void theFleetWorkerAlarmsForTheShrunkenDatabaseOfItsMessage() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String db = "worker_shrink_" + suffix;
    pg.createDatabase(db);
    pg.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 4000) g;");
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "wshrink-" + suffix;
    s3.createBucket(bucket);
    String secretId = "wshrink-" + bucket;
    SecretsManagerStub.shared()
        .putSecret(
            secretId, "{\"databases\": [{\"name\": \"tenant\", \"url\": \"" + pg.url(db) + "\"}]}");

    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess worker =
            LambdaProcess.builder(runtime)
                .name("shrink-worker")
                .handler("dev.neons3backup.lambda.WorkerHandler::handleRequest")
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("ALARM_TOPIC_ARN", sns.topic("alarms"))
                .env("AWS_ENDPOINT_URL_S3", s3.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      worker.awaitReady(WAIT);
      Invocation first =
          runtime.invoke(sqsEvent("2026-12-01T03:00:00Z"), WAIT, Duration.ofMinutes(15));
      assertThat(first.json().path("batchItemFailures")).as(worker.output()).isEmpty();
      pg.psql(db, "DROP TABLE t; CREATE TABLE t AS SELECT 1 AS id;");

      Invocation second =
          runtime.invoke(sqsEvent("2026-12-02T03:00:00Z"), WAIT, Duration.ofMinutes(15));

      assertThat(second.json().path("batchItemFailures")).as(worker.output()).isEmpty();
      assertThat(metricLines(worker.jsonLines(), "tenant"))
          .extracting(l -> l.path(EmbeddedMetrics.BACKUP_SHRUNK).asInt())
          .containsExactly(0, 1);
      assertThat(sns.published())
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m.message())
                      .contains("tenant: rows fell 99 % since the previous backup (4000 → 1)"));
    }
  }

  /** An SQS event of one work item for the database "tenant" of the run at {@code run}. */
  private static String sqsEvent(String run) throws Exception {
    String body =
        new WorkItem(Instant.parse(run), "tenant", new WorkItem.Listed("tenant"), false).toJson();
    return new ObjectMapper()
        .writeValueAsString(
            Map.of("Records", List.of(Map.of("messageId", "m-" + run, "body", body))));
  }

  /** The database's per-database EMF lines, in order, each declaring BackupShrunk a metric. */
  private static List<JsonNode> metricLines(List<JsonNode> lines, String database) {
    return lines.stream()
        .filter(l -> l.path("database").asText().equals(database) && l.has("_aws"))
        .peek(
            l ->
                assertThat(
                        l.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").toString())
                    .contains("\"" + EmbeddedMetrics.BACKUP_SHRUNK + "\""))
        .toList();
  }
}
