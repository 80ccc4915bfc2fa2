package dev.neons3backup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Proves each local test server works through the real clients. (Not named TestServersIT:
 * surefire's default includes match Test*.java, so it would run twice, once without failsafe.)
 */
class LocalServersIT {
  private static final String BUCKET = S3MockServer.DEFAULT_BUCKET;

  @Test
  void createsAndQueriesADatabase() {
    PostgresCluster pg = PostgresCluster.shared();
    pg.dropDatabase("smoke db");
    pg.createDatabase("smoke db");

    String out =
        pg.psql(
            "smoke db",
            "CREATE TABLE t (id int, name text);"
                + "INSERT INTO t VALUES (1, 'één');"
                + "SELECT name FROM t WHERE id = 1;");

    assertThat(out.strip()).isEqualTo("één");
    assertThat(pg.url("smoke db"))
        .isEqualTo("postgresql://postgres:it-superuser-pw@127.0.0.1:" + pg.port() + "/smoke%20db");
    pg.dropDatabase("smoke db");
  }

  @Test
  void psqlFailsWithTheServerErrorAndStopsAtTheFirstOne() {
    PostgresCluster pg = PostgresCluster.shared();

    assertThatThrownBy(() -> pg.psql("postgres", "SELECT * FROM no_such_table; SELECT 1;"))
        .hasMessageContaining("relation \"no_such_table\" does not exist");
  }

  @Test
  void awkwardPasswordWorksPercentEncodedInAUrl() {
    PostgresCluster pg = PostgresCluster.shared();
    String url = pg.awkwardUserUrl("postgres");
    assertThat(url).contains(":p%40ss%3Aw%2Frd%25%3F%26%3D%20%C3%A9%23@127.0.0.1:");

    // libpq itself decodes the URL: proves the encoding, not just our string building.
    ProcessRunner.Result result =
        ProcessRunner.run(
            List.of("/usr/lib/postgresql/15/bin/psql", "-X", "-A", "-t", "-w", "-d", url),
            Map.of(),
            TestEnv.targetDir(),
            "SELECT current_user;",
            Duration.ofSeconds(30));

    assertThat(result.check().stdout().strip()).isEqualTo(PostgresCluster.AWKWARD_USER);
  }

  @Test
  void terminatesTheSessionsOfADatabase() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    pg.createDatabase("busy");
    Process session =
        new ProcessBuilder(
                "/usr/lib/postgresql/15/bin/psql",
                "-X",
                "-d",
                pg.url("busy"),
                "-c",
                "SELECT pg_sleep(60)")
            .redirectErrorStream(true)
            .start();
    Waits.until(
        "the pg_sleep session to appear",
        Duration.ofSeconds(30),
        () ->
            pg.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = 'busy'")
                .strip()
                .equals("1"));

    pg.terminateBackends("busy");

    assertThat(session.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(session.exitValue()).isNotZero();
    pg.dropDatabase("busy");
  }

  @Test
  void putsAndGetsAnObject() {
    try (S3Client s3 = S3MockServer.shared().client()) {
      s3.putObject(b -> b.bucket(BUCKET).key("smoke/hello.txt"), RequestBody.fromString("hello"));

      String body =
          s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("smoke/hello.txt")).asUtf8String();

      assertThat(body).isEqualTo("hello");
    }
  }

  @Test
  void refusesAConditionalCompleteOverAnExistingKey() {
    S3MockServer server = S3MockServer.shared();
    server.createBucket("conditional");
    try (S3Client s3 = server.client()) {
      s3.putObject(b -> b.bucket("conditional").key("k"), RequestBody.fromString("original"));
      String uploadId = startUpload(s3, "conditional", "k");
      CompletedPart part = uploadPart(s3, "conditional", "k", uploadId, 1, 5 * 1024 * 1024);

      assertThatThrownBy(
              () ->
                  s3.completeMultipartUpload(
                      b ->
                          b.bucket("conditional")
                              .key("k")
                              .uploadId(uploadId)
                              .ifNoneMatch("*")
                              .multipartUpload(m -> m.parts(part))))
          .isInstanceOfSatisfying(
              S3Exception.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(412);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
              });
      assertThat(get(s3, "conditional", "k")).isEqualTo("original");
      assertThat(s3.listMultipartUploads(b -> b.bucket("conditional")).uploads())
          .singleElement()
          .satisfies(u -> assertThat(u.uploadId()).isEqualTo(uploadId));
    }
  }

  @Test
  void completesAConditionalMultipartUploadOfANewKey() {
    S3MockServer server = S3MockServer.shared();
    server.createBucket("fresh");
    try (S3Client s3 = server.client()) {
      String uploadId = startUpload(s3, "fresh", "big");
      CompletedPart one = uploadPart(s3, "fresh", "big", uploadId, 1, 5 * 1024 * 1024);
      CompletedPart two = uploadPart(s3, "fresh", "big", uploadId, 2, 1024);

      s3.completeMultipartUpload(
          b ->
              b.bucket("fresh")
                  .key("big")
                  .uploadId(uploadId)
                  .ifNoneMatch("*")
                  .multipartUpload(m -> m.parts(one, two)));

      assertThat(s3.headObject(b -> b.bucket("fresh").key("big")).contentLength())
          .isEqualTo(5 * 1024 * 1024 + 1024);
      assertThat(s3.listMultipartUploads(b -> b.bucket("fresh")).uploads()).isEmpty();
    }
  }

  /**
   * Pins down an S3Mock 5.0.0 bug (real S3 keeps the object) so that a fixed S3Mock shows up here
   * first: tests of our code must not rely on either behaviour.
   */
  @Test
  void s3mockQuirkAbortingAnUploadDeletesTheExistingObjectOfTheSameKey() {
    S3MockServer server = S3MockServer.shared();
    server.createBucket("quirk");
    try (S3Client s3 = server.client()) {
      s3.putObject(b -> b.bucket("quirk").key("k"), RequestBody.fromString("original"));
      String uploadId = startUpload(s3, "quirk", "k");

      s3.abortMultipartUpload(b -> b.bucket("quirk").key("k").uploadId(uploadId));

      assertThat(s3.listMultipartUploads(b -> b.bucket("quirk")).uploads()).isEmpty();
      assertThatThrownBy(() -> get(s3, "quirk", "k")).isInstanceOf(NoSuchKeyException.class);
    }
  }

  @Test
  void aKilledS3MockRefusesConnectionsAndKeepsItsObjectsAcrossARestart() {
    S3MockServer own = S3MockServer.startNew();
    try (S3Client s3 =
        own.clientBuilder()
            .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
            .build()) {
      s3.putObject(b -> b.bucket(BUCKET).key("kept"), RequestBody.fromString("kept"));

      own.kill();
      assertThat(own.isAlive()).isFalse();
      assertThatThrownBy(() -> get(s3, BUCKET, "kept")).isInstanceOf(SdkClientException.class);

      own.restart();
      assertThat(get(s3, BUCKET, "kept")).isEqualTo("kept");
    } finally {
      own.stop();
    }
  }

  @Test
  void returnsAStubbedSecretThroughTheRealClient() {
    SecretsManagerStub stub = SecretsManagerStub.shared();
    stub.putSecret("prod/db-url", "postgresql://u:p@host/db");
    stub.putSecret("other", "{\"k\":\"v\"}");
    try (SecretsManagerClient client = stub.client()) {
      GetSecretValueResponse response = client.getSecretValue(b -> b.secretId("prod/db-url"));

      assertThat(response.secretString()).isEqualTo("postgresql://u:p@host/db");
      assertThat(response.name()).isEqualTo("prod/db-url");
      assertThat(response.arn()).startsWith("arn:aws:secretsmanager:us-east-1:");
      assertThat(response.createdDate()).isNotNull();
      assertThat(client.getSecretValue(b -> b.secretId("other")).secretString())
          .isEqualTo("{\"k\":\"v\"}");
      assertThat(stub.requestCount("prod/db-url")).isEqualTo(1);
    }
  }

  @Test
  void aRemovedSecretIsResourceNotFound() {
    SecretsManagerStub stub = SecretsManagerStub.shared();
    stub.putSecret("to-remove", "x");
    stub.removeSecret("to-remove");
    try (SecretsManagerClient client = stub.client()) {
      assertThatThrownBy(() -> client.getSecretValue(b -> b.secretId("to-remove")))
          .isInstanceOfSatisfying(
              ResourceNotFoundException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("Secrets Manager can't find the specified secret.");
              });
    }
  }

  private static String startUpload(S3Client s3, String bucket, String key) {
    return s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
  }

  private static CompletedPart uploadPart(
      S3Client s3, String bucket, String key, String uploadId, int number, int size) {
    byte[] data = new byte[size];
    java.util.Arrays.fill(data, (byte) number);
    String etag =
        s3.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                RequestBody.fromBytes(data))
            .eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private static String get(S3Client s3, String bucket, String key) {
    return new String(
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray(), StandardCharsets.UTF_8);
  }
}
