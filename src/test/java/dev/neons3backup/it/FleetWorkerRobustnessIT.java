package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.EventSourcePoller.Stats;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.Waits;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fleet worker when a message comes twice, two workers take the same database at once, or a
 * worker is killed mid-dump: each ends with exactly one complete backup of the run, its manifest,
 * and no open multipart upload.
 */
class FleetWorkerRobustnessIT {
  private static final ElasticMqServer SQS = ElasticMqServer.shared();
  private static final Instant RUN = Instant.parse("2026-12-03T03:00:00Z");
  private static final Duration BOUND = Duration.ofSeconds(300);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Harness h = new Harness();

  private WorkerHandler worker() {
    EmbeddedMetrics metrics =
        new EmbeddedMetrics(
            "NeonS3Backup",
            new PrintStream(h.metricsOut, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new WorkerHandler(
        h.service(),
        () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId),
        metrics,
        h.env);
  }

  private static String item(String name) {
    return new WorkItem(RUN, name, new WorkItem.Listed(name), false).toJson();
  }

  private static Map<String, Object> event(String messageId, String body) {
    return Map.of("Records", List.of(Map.of("messageId", messageId, "body", body)));
  }

  private static String key(String name) {
    return name + "/" + KeyTime.format(RUN) + ".sql.gz";
  }

  private static List<String> objects(String name) {
    String key = key(name);
    return List.of(key, key + ".manifest.json", key + ".sha256");
  }

  /** Rows of random-looking text: a dump of tens of MB that gzip cannot shrink below a part. */
  private static String bigDatabase(String prefix, int rows) {
    return Harness.database(
        prefix,
        "create table t(i int, a text, b text); insert into t select i, md5(i::text),"
            + " md5((i * 7)::text) || md5((i * 13)::text) from generate_series(1, "
            + rows
            + ") i;");
  }

  private void assertOneCompleteBackup(String name) throws Exception {
    assertThat(h.keys()).containsExactlyElementsOf(objects(name));
    Manifest manifest = Manifest.fromJson(h.get(key(name) + ".manifest.json"));
    assertThat(manifest.key()).isEqualTo(key(name));
    assertThat(manifest.database()).isEqualTo(name);
    assertThat(h.openUploads()).isEmpty();
  }

  /**
   * A duplicate message's two workers dump the same database at the same time. Worker one's dump is
   * held mid-way, before its first part is full, while worker two stores the whole backup; then
   * worker one goes on, finds the object stored before it starts an upload, and reports the backup
   * as already there. (Their conditional completes are staggered on purpose: s3mock does not
   * serialize two racing completes, and aborting the loser's upload, which S3 requires after a 412,
   * drops the stored object in s3mock; see LocalServersIT.)
   */
  @Test
  void twoWorkersOnTheSameItemAtOnceBothSucceedAndLeaveOneBackupAndNoOpenUpload() throws Exception {
    String db = bigDatabase("together", 300_000);
    h.secret(Harness.secretJson(Map.of("together", Harness.PG.url(db))));
    Map<String, Object> event = event("m-together", item("together"));
    Path flags = Files.createTempDirectory("together");
    h.env.put("PG_BIN_DIRS", heldPgDump(flags).toString());
    WorkerHandler one = worker();
    h.env.remove("PG_BIN_DIRS");
    WorkerHandler two = worker();

    List<Map<String, Object>> responses =
        assertTimeoutPreemptively(
            BOUND,
            () -> {
              var first = CompletableFuture.supplyAsync(() -> one.handleRequest(event, null));
              Waits.until(
                  "worker one's dump to be held", BOUND, () -> Files.exists(flags.resolve("held")));
              Map<String, Object> second = two.handleRequest(event, null);
              Files.createFile(flags.resolve("go"));
              return List.of(first.get(), second);
            });

    assertThat(responses)
        .as(h.metrics())
        .containsOnly(Map.of("batchItemFailures", List.of()))
        .hasSize(2);
    assertOneCompleteBackup("together");
    String sha256 = sha256(h.get(key("together")));
    assertThat(Manifest.fromJson(h.get(key("together") + ".manifest.json")).sha256())
        .isEqualTo(sha256);
    assertThat(new String(h.get(key("together") + ".sha256"), StandardCharsets.UTF_8))
        .startsWith(sha256 + "  ");
  }

  /**
   * pg_dump's output stops after 1 MB (less than a part once compressed), says so in {@code
   * flags/held}, and goes on once {@code flags/go} exists (or after two minutes at most).
   */
  private static Path heldPgDump(Path flags) {
    return Harness.wrapperBinDir(
        "\"$REAL\" \"$@\" | { head -c 1000000; touch "
            + flags.resolve("held")
            + "; for i in $(seq 1200); do [ -e "
            + flags.resolve("go")
            + " ] && break; sleep 0.1; done; exec cat; }");
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * Before it starts its upload, a worker aborts the uploads of its object older than
   * STALE_UPLOAD_SECONDS (a killed worker's) and keeps a younger one (a live worker may own it) and
   * an old one of a longer key that merely starts with its key.
   */
  @Test
  void aWorkerAbortsOnlyTheStaleUploadsOfExactlyItsObjectBeforeStartingItsOwn() throws Exception {
    String db = Harness.database("stale", "create table t(i int); insert into t values (1);");
    h.secret(Harness.secretJson(Map.of("stale", Harness.PG.url(db))));
    h.env.put("STALE_UPLOAD_SECONDS", "2");
    String stale = openUpload(key("stale"));
    String other = openUpload(key("stale") + ".elsewhere");
    Waits.until("the uploads to be stale", BOUND, () -> olderThan(Duration.ofSeconds(3)));
    String young = openUpload(key("stale"));

    assertThat(worker().handleRequest(event("m-stale", item("stale")), null))
        .isEqualTo(Map.of("batchItemFailures", List.of()));

    assertThat(h.openUploads())
        .extracting(MultipartUpload::uploadId)
        .doesNotContain(stale)
        .containsExactlyInAnyOrder(other, young);
    Manifest manifest = Manifest.fromJson(h.get(key("stale") + ".manifest.json"));
    assertThat(manifest.sha256()).isEqualTo(sha256(h.get(key("stale"))));
  }

  /** Whether every open upload was initiated more than {@code age} ago. */
  private boolean olderThan(Duration age) {
    Instant cutoff = Instant.now().minus(age);
    return h.openUploads().stream().allMatch(u -> u.initiated().isBefore(cutoff));
  }

  private String openUpload(String key) {
    S3Client s3 = Harness.s3();
    String id = s3.createMultipartUpload(r -> r.bucket(h.bucket).key(key)).uploadId();
    s3.uploadPart(
        r -> r.bucket(h.bucket).key(key).uploadId(id).partNumber(1),
        RequestBody.fromString("a part of a dump that never ended"));
    return id;
  }

  /**
   * The killed worker's upload is older than the fresh worker's STALE_UPLOAD_SECONDS (2 s here; the
   * queue's visibility timeout, 5 s, is longer, as 6 × 15 min is in the stack) when the message
   * comes back, so the fresh worker aborts it before it stores the backup.
   */
  @Test
  void aWorkerKilledMidDumpIsRedeliveredAndCompletedWithNoPartialObjectOrOpenUpload()
      throws Exception {
    String db = bigDatabase("killed", 400_000);
    h.secret(Harness.secretJson(Map.of("killed", Harness.PG.url(db))));
    Queues queues =
        SQS.createWithDeadLetter("killed-" + UUID.randomUUID().toString().substring(0, 8), 5, 5);
    try (SqsClient sqs = SQS.client();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess doomed = lambdaWorker(runtime, pausingPgDump())) {
      doomed.awaitReady(BOUND);
      sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody(item("killed")));
      Message message =
          sqs.receiveMessage(b -> b.queueUrl(queues.workUrl()).waitTimeSeconds(5))
              .messages()
              .get(0);
      // The first delivery goes to a worker that never finishes: its dump stops mid-way.
      Thread invocation =
          new Thread(
              () -> {
                try {
                  runtime.invoke(
                      JSON.writeValueAsString(event(message.messageId(), message.body())),
                      BOUND,
                      Duration.ofMinutes(15));
                } catch (Exception | AssertionError e) {
                  // the worker is killed: this invocation never answers
                }
              });
      invocation.setDaemon(true);
      invocation.start();
      Waits.until("the worker to be uploading its dump", BOUND, () -> !h.openUploads().isEmpty());

      kill9(doomed);
      Waits.until(
          "the killed worker's upload to be stale", BOUND, () -> olderThan(Duration.ofSeconds(3)));

      // The message comes back after its visibility timeout, to a fresh worker.
      h.env.put("STALE_UPLOAD_SECONDS", "2");
      WorkerHandler fresh = worker();
      Stats stats =
          assertTimeoutPreemptively(
              BOUND,
              () ->
                  new EventSourcePoller(sqs, queues.workUrl(), 1, e -> fresh.handleRequest(e, null))
                      .drain());
      assertThat(stats.deleted()).isEqualTo(1);
    }
    assertOneCompleteBackup("killed");
    assertThat(h.keys()).noneMatch(k -> k.contains(".part") || k.contains(".tmp"));
  }

  private LambdaProcess lambdaWorker(LambdaRuntimeEmulator runtime, Path pgBin) {
    return LambdaProcess.builder(runtime)
        .name("killed-worker")
        .handler("dev.neons3backup.lambda.WorkerHandler::handleRequest")
        .env("S3_BUCKET", h.bucket)
        .env("SECRET_NAME", h.secretId)
        .env("PG_BIN_DIRS", pgBin.toString())
        .env("AWS_ENDPOINT_URL_S3", S3MockServer.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
        .start();
  }

  /** pg_dump's output stops after 30 MB, more than one part once compressed; then it waits. */
  private static Path pausingPgDump() {
    return Harness.wrapperBinDir("\"$REAL\" \"$@\" | { head -c 30000000; sleep 600; }");
  }

  /** SIGKILL for the worker's JVM and everything it started, as a crashed environment ends. */
  private static void kill9(LambdaProcess worker) throws Exception {
    List<ProcessHandle> children =
        ProcessHandle.of(worker.pid()).stream().flatMap(ProcessHandle::descendants).toList();
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start();
    assertThat(kill.waitFor()).isZero();
    children.forEach(ProcessHandle::destroyForcibly);
    Waits.until("the worker to die of SIGKILL", BOUND, () -> !worker.isAlive());
  }
}
