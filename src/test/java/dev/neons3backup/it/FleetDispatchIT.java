package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.fleet.Dispatcher;
import dev.neons3backup.fleet.RoutePolicy;
import dev.neons3backup.fleet.RunPlan;
import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.fleet.SnsAlarm;
import dev.neons3backup.fleet.SqsWorkQueue;
import dev.neons3backup.fleet.WorkQueue;
import dev.neons3backup.lambda.DispatchHandler;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.neon.TargetResolver;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.EventSourcePoller.Stats;
import dev.neons3backup.testing.SnsEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fleet end to end on real local servers: the dispatcher (through its handler, with a scheduled
 * event) plans the run in S3 and sends one message per database to ElasticMQ, the worker backs each
 * one up through the event source poller, and accounting compares the plan with the store, writes
 * the report, emits the metrics and publishes one SNS message when anything is missing.
 */
class FleetDispatchIT {
  private static final ElasticMqServer SQS = ElasticMqServer.shared();
  private static final SnsEmulator SNS = SnsEmulator.start();
  private static final Duration BOUND = Duration.ofSeconds(300);

  private final Harness h = new Harness();
  private final String topic = SNS.topic("alarms-" + h.bucket);

  @AfterAll
  static void stop() {
    SNS.close();
  }

  private static Instant run() {
    // A run time of its own per test, so plans never meet (buckets are per test too).
    return Instant.parse("2026-12-02T02:00:00Z")
        .plusSeconds(new java.util.Random().nextInt(86_400));
  }

  private EmbeddedMetrics metrics() {
    return new EmbeddedMetrics(
        "NeonS3Backup",
        new PrintStream(h.metricsOut, true, StandardCharsets.UTF_8),
        Clock.systemUTC());
  }

  private BackupStore store() {
    return new S3BackupStore(Harness.s3(), h.bucket, "", S3BackupStore.DEFAULT_PART_SIZE);
  }

  private Map<String, String> env(Queues queues) {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("WORK_QUEUE_URL", queues.workUrl());
    env.put("DEAD_LETTER_QUEUE_URL", queues.deadLetterUrl());
    env.put("ALARM_TOPIC_ARN", topic);
    return env;
  }

  private DispatchHandler dispatcher(Queues queues, SqsClient sqs, SnsClient sns) {
    return new DispatchHandler(
        DispatchHandler.parts(
            store(),
            () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId),
            env(queues),
            sqs,
            new SnsAlarm(sns, topic),
            Optional.empty(),
            metrics(),
            Clock.systemUTC()));
  }

  private WorkerHandler worker() {
    return new WorkerHandler(
        h.service(),
        () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId),
        metrics(),
        h.env);
  }

  private static Map<String, Object> scheduled(Instant run) {
    return Map.of(
        "version", "0",
        "id", UUID.randomUUID().toString(),
        "detail-type", "Scheduled Event",
        "source", "aws.events",
        "time", run.toString(),
        "resources", List.of("arn:aws:events:us-east-1:123456789012:rule/nightly"),
        "detail", Map.of());
  }

  private static Map<String, Object> account(Instant run) {
    return Map.of("action", "account", "run", run.toString());
  }

  private Stats drain(SqsClient sqs, Queues queues, int concurrency) {
    WorkerHandler worker = worker();
    return assertTimeoutPreemptively(
        BOUND,
        () ->
            new EventSourcePoller(
                    sqs, queues.workUrl(), concurrency, e -> worker.handleRequest(e, null))
                .drain());
  }

  /** {@code n} tiny databases in the cluster, listed in the secret as db-0 … db-(n-1). */
  private Map<String, String> databases(int n) {
    String prefix = "fd_" + UUID.randomUUID().toString().substring(0, 6) + "_";
    StringBuilder sql = new StringBuilder();
    Map<String, String> secret = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      sql.append("CREATE DATABASE ").append(prefix).append(i).append(";\n");
      secret.put("db-" + i, Harness.PG.url(prefix + i));
    }
    Harness.PG.psql("postgres", sql.toString());
    return secret;
  }

  private RunReport report(Instant run) throws IOException {
    return RunReport.fromJson(h.get(Runs.reportKey(run)));
  }

  private RunPlan plan(Instant run) throws IOException {
    return RunPlan.fromJson(h.get(Runs.planKey(run)));
  }

  /** The backup objects (not side files) stored for the run, by database name. */
  private Map<String, Long> objectsPerDatabase(Instant run) {
    String suffix = "/" + KeyTime.format(run) + ".sql.gz";
    return h.keys().stream()
        .filter(k -> k.endsWith(suffix))
        .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('/')), Collectors.counting()));
  }

  private JsonNode fleetMetrics() {
    List<String> lines = h.metrics().lines().filter(l -> l.contains("\"FleetPlanned\"")).toList();
    assertThat(lines).hasSize(1);
    return Harness.json(lines.get(0));
  }

  @Test
  void everyDatabaseDispatchedIsBackedUpAndTheReportSaysAllOfThem() throws Exception {
    Instant run = run();
    Map<String, String> secret = databases(20);
    h.secret(Harness.secretJson(secret));
    Queues queues = SQS.createWithDeadLetter(queueName(), 60, 3);
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client()) {
      DispatchHandler dispatcher = dispatcher(queues, sqs, sns);

      Map<String, Object> sent = dispatcher.handleRequest(scheduled(run), null);
      Stats stats = drain(sqs, queues, 4);
      Map<String, Object> accounted = dispatcher.handleRequest(account(run), null);

      assertThat(sent).containsEntry("planned", 20).containsEntry("sent", 20);
      assertThat(stats.deleted()).isEqualTo(20);
      assertThat(accounted.get("accounted"))
          .isEqualTo(
              List.of(Map.of("run", run.toString(), "planned", 20, "backedUp", 20, "missing", 0)));
    }
    RunPlan plan = plan(run);
    assertThat(plan.databases())
        .extracting(RunPlan.Database::name)
        .containsExactlyInAnyOrderElementsOf(secret.keySet());
    assertThat(plan.databases()).allSatisfy(d -> assertThat(d.route()).isEqualTo("queue"));
    RunReport report = report(run);
    assertThat(report.planned()).isEqualTo(20);
    assertThat(report.backedUp()).isEqualTo(20);
    assertThat(report.missing()).isEmpty();
    assertThat(objectsPerDatabase(run)).hasSize(20).allSatisfy((db, n) -> assertThat(n).isOne());
    JsonNode metrics = fleetMetrics();
    assertThat(metrics.get("FleetPlanned").asInt()).isEqualTo(20);
    assertThat(metrics.get("FleetBackedUp").asInt()).isEqualTo(20);
    assertThat(metrics.get("FleetMissing").asInt()).isZero();
    assertThat(metrics.get("RunSucceeded").asInt()).isOne();
    assertThat(SNS.published()).noneMatch(p -> p.topicArn().equals(topic));
  }

  @Test
  void aDatabaseThatAlwaysFailsIsDeadLetteredNamedInTheReportAndInOneAlarm() throws Exception {
    Instant run = run();
    Map<String, String> secret = databases(3);
    secret.put(
        "gone", Harness.PG.url("no_such_db_" + UUID.randomUUID().toString().substring(0, 6)));
    secret.put("broken", "mysql://u:Secr3tPw@127.0.0.1/x");
    h.secret(Harness.secretJson(secret));
    // Long enough for a good database to be dumped before its message could reappear.
    Queues queues = SQS.createWithDeadLetter(queueName(), 15, 2);
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client()) {
      DispatchHandler dispatcher = dispatcher(queues, sqs, sns);

      dispatcher.handleRequest(scheduled(run), null);
      drain(sqs, queues, 2);
      // The accounting schedule's event, as EventBridge sends its constant input.
      Map<String, Object> accounted = dispatcher.handleRequest(Map.of("action", "account"), null);

      assertThat(accounted.get("accounted"))
          .isEqualTo(
              List.of(Map.of("run", run.toString(), "planned", 5, "backedUp", 3, "missing", 2)));
    }
    RunReport report = report(run);
    assertThat(report.missing())
        .extracting(RunReport.Missing::name)
        .containsExactlyInAnyOrder("gone", "broken");
    assertThat(report.deadLettered()).isGreaterThanOrEqualTo(1);
    JsonNode metrics = fleetMetrics();
    assertThat(metrics.get("FleetMissing").asInt()).isEqualTo(2);
    assertThat(metrics.get("FleetDeadLettered").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(metrics.get("RunSucceeded").asInt()).isZero();
    List<SnsEmulator.Published> alarms =
        SNS.published().stream().filter(p -> p.topicArn().equals(topic)).toList();
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).subject()).isEqualTo("neon-s3-backup: 2 of 5 databases not backed up");
    assertThat(alarms.get(0).message()).contains("- gone: ", "- broken: ", "_runs/");
    assertThat(alarms.get(0).message() + h.metrics() + report).doesNotContain("Secr3tPw");
  }

  @Test
  void aDispatchKilledHalfWayAndRetriedBacksUpEveryDatabaseExactlyOnce() throws Exception {
    Instant run = run();
    Map<String, String> secret = databases(20);
    h.secret(Harness.secretJson(secret));
    Queues queues = SQS.createWithDeadLetter(queueName(), 60, 3);
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client()) {
      // The first attempt dies after sending 10 messages (one batch), as a timed-out function
      // would.
      AtomicInteger sentBeforeDeath = new AtomicInteger();
      WorkQueue real = new SqsWorkQueue(sqs, queues.workUrl());
      WorkQueue dying =
          items -> {
            if (sentBeforeDeath.get() >= 10) {
              throw new IllegalStateException("killed");
            }
            real.send(items);
            sentBeforeDeath.addAndGet(items.size());
          };
      TargetResolver resolver = new TargetResolver(h.env, Clock.systemUTC(), Set::of);
      Dispatcher first =
          new Dispatcher(
              new Runs(store()),
              (projects, stop) ->
                  resolver.references(
                      SecretTargets.load(Harness.SECRETS.client(), h.secretId), projects, stop),
              dying,
              Optional.empty(),
              new RoutePolicy(Duration.ofMinutes(10), false),
              Clock.systemUTC());
      try {
        first.dispatch(run);
      } catch (IllegalStateException expected) {
        // killed
      }
      assertThat(sentBeforeDeath.get()).isEqualTo(10);
      drain(sqs, queues, 4);
      assertThat(objectsPerDatabase(run)).hasSize(10);
      byte[] firstPlan = h.get(Runs.planKey(run));

      DispatchHandler retry = dispatcher(queues, sqs, sns);
      Map<String, Object> second = retry.handleRequest(scheduled(run), null);
      drain(sqs, queues, 4);
      retry.handleRequest(account(run), null);

      assertThat(second)
          .containsEntry("planned", 20)
          .containsEntry("sent", 10)
          .containsEntry("alreadyStored", 10);
      assertThat(h.get(Runs.planKey(run))).as("the plan is kept").isEqualTo(firstPlan);
    }
    assertThat(objectsPerDatabase(run))
        .containsOnlyKeys(secret.keySet())
        .allSatisfy((db, n) -> assertThat(n).isOne());
    assertThat(report(run).missing()).isEmpty();
    assertThat(report(run).backedUp()).isEqualTo(20);
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void fiveHundredDatabasesThroughTheQueueEachHaveExactlyOneCompleteBackup() throws Exception {
    Instant run = run();
    Map<String, String> secret = databases(500);
    h.secret(Harness.secretJson(secret));
    Queues queues = SQS.createWithDeadLetter(queueName(), 120, 3);
    long started = System.nanoTime();
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client()) {
      DispatchHandler dispatcher = dispatcher(queues, sqs, sns);
      dispatcher.handleRequest(scheduled(run), null);
      Stats stats =
          assertTimeoutPreemptively(
              Duration.ofMinutes(15),
              () -> {
                WorkerHandler worker = worker();
                return new EventSourcePoller(
                        sqs, queues.workUrl(), 8, e -> worker.handleRequest(e, null))
                    .drain();
              });
      dispatcher.handleRequest(account(run), null);
      assertThat(stats.deleted()).isEqualTo(500);
    }
    System.out.printf(
        "FleetDispatchIT: 500 databases dispatched, backed up and accounted in %d s%n",
        (System.nanoTime() - started) / 1_000_000_000);
    RunReport report = report(run);
    assertThat(report.planned()).isEqualTo(500);
    assertThat(report.backedUp()).isEqualTo(500);
    assertThat(objectsPerDatabase(run)).hasSize(500).allSatisfy((db, n) -> assertThat(n).isOne());
    assertThat(h.keys().stream().filter(k -> k.endsWith(".manifest.json")).count()).isEqualTo(500);
  }

  private static String queueName() {
    return "fleet-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
