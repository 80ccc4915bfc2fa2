package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.EventSourcePoller.Stats;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fleet's worker fed through a real SQS server (ElasticMQ) by the test's event source poller,
 * backing up real databases of the local cluster into the local S3.
 */
class FleetQueueIT {
  private static final ElasticMqServer SQS = ElasticMqServer.shared();
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");
  private static final Duration BOUND = Duration.ofSeconds(300);

  private final Harness h = new Harness();

  private WorkerHandler worker() {
    return worker(h.env);
  }

  private WorkerHandler worker(Map<String, String> env) {
    EmbeddedMetrics metrics =
        new EmbeddedMetrics(
            "NeonS3Backup",
            new PrintStream(h.metricsOut, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new WorkerHandler(
        h.service(), () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId), metrics, env);
  }

  private static Queues queues(int visibilitySeconds, int maxReceiveCount) {
    String name = "work-" + UUID.randomUUID().toString().substring(0, 8);
    return SQS.createWithDeadLetter(name, visibilitySeconds, maxReceiveCount);
  }

  private static void send(SqsClient sqs, Queues queues, String body) {
    sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody(body));
  }

  private static String listed(String name) {
    return new WorkItem(RUN, name, new WorkItem.Listed(name), false).toJson();
  }

  private static Stats drain(SqsClient sqs, Queues queues, int concurrency, WorkerHandler worker) {
    return assertTimeoutPreemptively(
        BOUND,
        () ->
            new EventSourcePoller(
                    sqs, queues.workUrl(), concurrency, e -> worker.handleRequest(e, null))
                .drain());
  }

  private static List<String> objects(String name) {
    String key = name + "/" + KeyTime.format(RUN) + ".sql.gz";
    return List.of(key, key + ".manifest.json", key + ".sha256");
  }

  @Test
  void everyDatabaseSentThroughTheQueueHasExactlyOneCompleteBackup() {
    Map<String, String> secret = new LinkedHashMap<>();
    for (int i = 0; i < 22; i++) {
      String db =
          Harness.database("fleet" + i, "create table t(i int); insert into t values (" + i + ");");
      secret.put("db-" + i, Harness.PG.url(db));
    }
    h.secret(Harness.secretJson(secret));
    Queues queues = queues(60, 3);
    try (SqsClient sqs = SQS.client()) {
      secret.keySet().forEach(name -> send(sqs, queues, listed(name)));

      Stats stats = drain(sqs, queues, 4, worker());

      assertThat(stats.deleted()).isEqualTo(22);
      assertThat(stats.leftForRedelivery()).isZero();
    }
    assertThat(h.keys())
        .containsExactlyInAnyOrderElementsOf(
            secret.keySet().stream().flatMap(n -> objects(n).stream()).toList());
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void theSameMessageDeliveredTwiceLeavesOneBackupFromTheFirstDelivery() {
    String db = Harness.database("twice", "create table t(i int); insert into t values (1);");
    h.secret(Harness.secretJson(Map.of("twice", Harness.PG.url(db))));
    Queues queues = queues(60, 3);
    WorkerHandler worker = worker();
    String manifestKey = objects("twice").get(1);
    try (SqsClient sqs = SQS.client()) {
      send(sqs, queues, listed("twice"));
      drain(sqs, queues, 1, worker);
      byte[] manifest = h.get(manifestKey);

      send(sqs, queues, listed("twice"));
      Stats second = drain(sqs, queues, 1, worker);

      assertThat(second.deleted()).as("the redelivery succeeds: skipped").isEqualTo(1);
      assertThat(h.get(manifestKey)).as("manifest untouched").isEqualTo(manifest);
    }
    assertThat(h.keys()).containsExactlyElementsOf(objects("twice"));
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void aDatabaseThatAlwaysFailsEndsInTheDeadLetterQueueAfterMaxReceiveCount() {
    h.secret(
        Harness.secretJson(
            Map.of(
                "gone",
                Harness.PG.url("no_such_db_" + UUID.randomUUID().toString().substring(0, 6)))));
    Queues queues = queues(1, 2);
    try (SqsClient sqs = SQS.client()) {
      send(sqs, queues, listed("gone"));

      Stats stats = drain(sqs, queues, 2, worker());

      assertThat(stats.invocations()).isEqualTo(2);
      assertThat(stats.deleted()).isZero();
      List<Message> dead =
          sqs.receiveMessage(b -> b.queueUrl(queues.deadLetterUrl()).waitTimeSeconds(5)).messages();
      assertThat(dead).singleElement().extracting(Message::body).isEqualTo(listed("gone"));
    }
    assertThat(h.keys()).noneMatch(k -> k.startsWith("gone/") && !k.contains(".part"));
    assertThat(h.keys()).filteredOn(k -> k.endsWith(".sql.gz")).isEmpty();
  }

  @Test
  void aMalformedMessageIsAFailedItemAndTheOthersOfTheBatchAreNot() {
    String db = Harness.database("batch", "create table t(i int);");
    h.secret(Harness.secretJson(Map.of("batch", Harness.PG.url(db))));
    Map<String, Object> event =
        Map.of(
            "Records",
            List.of(
                Map.of("messageId", "m-bad", "body", "{\"v\":1,\"url\":\"postgres://u:pw@h/d\"}"),
                Map.of("messageId", "m-good", "body", listed("batch"))));

    Map<String, Object> response = worker().handleRequest(event, null);

    assertThat(response)
        .isEqualTo(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "m-bad"))));
    assertThat(h.keys()).containsExactlyElementsOf(objects("batch"));
  }

  @Test
  void aNeonItemIsBackedUpThroughTheConnectionTheApiGivesAndRecordsItsOrigin() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String db = "fq_neon_" + suffix;
    String role = "fq_role_" + suffix;
    String project = "fq-proj-" + suffix;
    try (NeonApiEmulator neon = NeonApiEmulator.on(Harness.PG)) {
      neon.org("org-f", "Fleet");
      neon.key("fq-key", KeyKind.ORGANIZATION, Set.of("org-f"), null);
      neon.role(role, "FqRolePw13579abc");
      neon.project("org-f", project, "fleet", 15)
          .branch("br-fq-main", "main", true, 1024)
          .database(db, role);
      neon.createInCluster(Harness.PG);
      h.secret("{\"neon\": {\"api_key\": \"fq-key\"}}");
      Map<String, String> env = new HashMap<>(h.env);
      env.put("NEON_API_URL", neon.url());
      String name = project + ".br-fq-main." + db;
      String body =
          new WorkItem(RUN, name, new WorkItem.Neon(project, "br-fq-main", db, role), false)
              .toJson();
      Map<String, Object> event =
          Map.of("Records", List.of(Map.of("messageId", "m-neon", "body", body)));

      Map<String, Object> response = worker(env).handleRequest(event, null);

      assertThat(response).isEqualTo(Map.of("batchItemFailures", List.of()));
      assertThat(h.keys()).containsExactlyElementsOf(objects(name));
      Manifest manifest = Manifest.fromJson(h.get(objects(name).get(1)));
      assertThat(manifest.neon().projectId()).isEqualTo(project);
      assertThat(manifest.neon().database()).isEqualTo(db);
      assertThat(h.metrics()).doesNotContain("FqRolePw13579abc");
    }
  }
}
