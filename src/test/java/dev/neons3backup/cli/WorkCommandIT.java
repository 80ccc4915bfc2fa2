package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code work}, the command of the fleet's Fargate tasks, as a process (the AWS SDK reads its
 * credentials from the process environment) against the local PostgreSQL, s3mock and the Secrets
 * Manager stub.
 */
class WorkCommandIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final S3MockServer S3 = S3MockServer.shared();
  private static final SecretsManagerStub SECRETS = SecretsManagerStub.shared();
  private static final Instant RUN = Instant.parse("2026-03-04T02:00:00Z");
  private static String shop;
  private static String other;

  @TempDir Path work;
  private String bucket;
  private String secretId;

  @BeforeAll
  static void databases() {
    shop = "work_shop_" + UUID.randomUUID().toString().substring(0, 6);
    other = "work_other_" + UUID.randomUUID().toString().substring(0, 6);
    for (String db : List.of(shop, other)) {
      PG.createDatabase(db);
      PG.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 500) g;");
    }
  }

  @BeforeEach
  void bucketAndSecret() {
    bucket = "work-" + UUID.randomUUID().toString().substring(0, 8);
    S3.createBucket(bucket);
    secretId = "work-secret-" + UUID.randomUUID().toString().substring(0, 8);
    SECRETS.putSecret(
        secretId,
        "{\"databases\": [{\"name\": \"shop\", \"url\": \""
            + PG.url(shop)
            + "\"}, {\"name\": \"other\", \"url\": \""
            + PG.url(other)
            + "\"}]}");
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("S3_BUCKET", bucket);
    env.put("SECRET_NAME", secretId);
    env.put("BACKUP_CONNECT_ATTEMPTS", "1");
    env.put("AWS_REGION", AwsTestCredentials.REGION.id());
    env.put("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY);
    env.put("AWS_ENDPOINT_URL_S3", S3.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", SECRETS.endpoint().toString());
    return env;
  }

  private static String item(String name, String entry) {
    return new WorkItem(RUN, name, new WorkItem.Listed(entry), false).toJson();
  }

  private List<String> keys() {
    try (S3Client s3 = S3.client()) {
      return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
          .map(S3Object::key)
          .sorted()
          .toList();
    }
  }

  @Test
  void backsUpTheItemsOneDatabaseWithTheRunsKeyAndSkipsItWhenRunAgain() {
    String key = "shop/" + KeyTime.format(RUN) + ".sql.gz";

    Result first = CliProcess.run(work, env(), "work", "--item", item("shop", "shop"));

    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(first.out())
        .contains("ok       shop → s3://" + bucket + "/" + key)
        .contains("500 rows")
        .contains("Backup complete: 1 succeeded, 0 failed out of 1 databases");
    assertThat(keys()).containsExactly(key, key + ".manifest.json", key + ".sha256");

    // The same item again, as a retried dispatch would start it, here from WORK_ITEM.
    Map<String, String> again = env();
    again.put("WORK_ITEM", item("shop", "shop"));
    Result second = CliProcess.run(work, again, "work");

    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out())
        .contains("skipped  shop: already backed up at s3://" + bucket + "/" + key);
    assertThat(keys()).containsExactly(key, key + ".manifest.json", key + ".sha256");
  }

  @Test
  void aMalformedItemIsOneLineWithExitTwoAndNoStack() {
    Result r =
        CliProcess.run(
            work, env(), "work", "--item", "{\"v\":1,\"url\":\"postgresql://u:Pw9xQz@h/d\"}");

    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .startsWith("error: malformed work item: unknown field in message")
        .doesNotContain("\n", "Pw9xQz", "Exception");
    assertThat(r.out()).isEmpty();
    assertThat(keys()).isEmpty();
  }

  @Test
  void anEntryNotInTheSecretIsOneLineNamingTheDatabase() {
    Result r = CliProcess.run(work, env(), "work", "--item", item("gone", "gone"));

    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: database gone: entry 'gone' is not in the secret's databases list any more;"
                + " the plan is out of date.");
    assertThat(keys()).isEmpty();
  }

  @Test
  void noItemAtAllIsAUsageError() {
    Result r = CliProcess.run(work, env(), "work");

    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo("error: no work item given; use --item JSON or set WORK_ITEM.");
  }
}
