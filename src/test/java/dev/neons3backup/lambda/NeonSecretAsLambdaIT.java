package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.neon.NeonSnapshots;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The scheduled function with no URL listed by hand: the secret holds only a {@code neon} object
 * (with snapshot mode on), the function runs in its own JVM under the real runtime client, and the
 * Neon API is the emulator, whose computes are databases of the local cluster.
 */
class NeonSecretAsLambdaIT {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String KEY = "napi_lambda0123456789abcdefSECRET";
  private static final String ROLE = "nla_owner";
  private static final String ROLE_PW = "NlaRolePw13579qrs";
  private static final String PROJECT = "blue-lake-555";
  private static final String BRANCH = "br-blue-main";

  @TempDir Path tmp;
  private NeonApiEmulator neon;
  private NeonApiEmulator.Branch main;

  @BeforeEach
  void emulator() {
    for (String db : List.of("nla_orders", "nla_users", "nla_new")) {
      PG.psql("postgres", "DROP DATABASE IF EXISTS " + db);
    }
    neon = NeonApiEmulator.on(PG);
    neon.org("org-b", "Blue");
    neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-b"), null);
    neon.role(ROLE, ROLE_PW);
    main =
        neon.project("org-b", PROJECT, "blue", 15)
            .branch(BRANCH, "main", true, 1024)
            .database("nla_orders", ROLE)
            .database("nla_users", ROLE);
    neon.createInCluster(PG);
    PG.psql("nla_orders", "CREATE TABLE t(id int); INSERT INTO t VALUES (1), (2), (3)");
    PG.psql("nla_orders", "ALTER TABLE t OWNER TO " + ROLE);
  }

  @AfterEach
  void stop() {
    neon.close();
  }

  @Test
  void backsUpEveryDiscoveredDatabaseFromASnapshotAndNamesANewOneOnTheNextNight() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "neon-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "neon-" + bucket;
    SecretsManagerStub.shared()
        .putSecret(
            secretId,
            "{\"neon\": {\"api_key\": \""
                + KEY
                + "\", \"projects\": [\"blue\"], \"snapshot\": true}}");
    Path tmpDir = Files.createDirectories(tmp.resolve("function-tmp"));

    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess lambda =
            LambdaProcess.builder(runtime)
                .name("neon-backup")
                .tmpDir(tmpDir)
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("NEON_API_URL", neon.url())
                .env("AWS_ENDPOINT_URL_S3", s3.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      lambda.awaitReady(WAIT);

      Invocation first = runtime.invoke(event("2026-11-24T02:00:00Z"), WAIT, WAIT);

      assertThat(first.succeeded()).as(first.body() + "\n" + lambda.output()).isTrue();
      assertThat(first.json().path("message").asText())
          .isEqualTo("Backup complete: 2 succeeded, 0 failed out of 2 databases");
      assertThat(names(first.json())).containsExactly(name("nla_orders"), name("nla_users"));
      JsonNode manifest = manifest(s3, bucket, name("nla_orders"));
      assertThat(manifest.path("totalRows").asLong()).isEqualTo(3);
      assertThat(manifest.at("/neon/projectId").asText()).isEqualTo(PROJECT);
      assertThat(manifest.at("/neon/snapshotBranchId").asText()).isNotBlank();
      assertThat(neon.branches()).noneMatch(b -> b.name.startsWith(NeonSnapshots.NAME_PREFIX));

      // A database created during the day is backed up the next night and named as new.
      main.database("nla_new", ROLE);
      PG.psql("postgres", "CREATE DATABASE nla_new OWNER " + ROLE);
      Invocation second = runtime.invoke(event("2026-11-25T02:00:00Z"), WAIT, WAIT);

      assertThat(second.succeeded()).as(second.body() + "\n" + lambda.output()).isTrue();
      assertThat(names(second.json())).contains(name("nla_new"));
      assertThat(second.json().path("changes").toString())
          .contains("newly discovered: " + name("nla_new"));
      assertThat(lambda.output())
          .doesNotContain(KEY)
          .doesNotContain(ROLE_PW)
          .doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);
    }
  }

  private static String name(String db) {
    return PROJECT + "." + BRANCH + "." + db;
  }

  private static String event(String time) {
    return "{\"version\": \"0\", \"id\": \""
        + UUID.randomUUID()
        + "\","
        + " \"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\","
        + " \"account\": \"123456789012\", \"time\": \""
        + time
        + "\","
        + " \"region\": \"us-east-1\", \"resources\": [], \"detail\": {}}";
  }

  private static List<String> names(JsonNode response) {
    List<String> names = new ArrayList<>();
    response.path("results").forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  private static JsonNode manifest(S3MockServer s3, String bucket, String database)
      throws Exception {
    try (S3Client client = s3.client()) {
      String key =
          client
              .listObjectsV2Paginator(r -> r.bucket(bucket).prefix(database + "/"))
              .contents()
              .stream()
              .map(S3Object::key)
              .filter(k -> k.endsWith(".manifest.json"))
              .findFirst()
              .orElseThrow();
      return new ObjectMapper()
          .readTree(client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
    }
  }
}
