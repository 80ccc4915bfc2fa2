package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.fleet.RunPlan;
import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.fleet.SnsAlarm;
import dev.neons3backup.json.Json;
import dev.neons3backup.lambda.DispatchHandler;
import dev.neons3backup.lambda.EmbeddedMetrics;
import dev.neons3backup.lambda.WorkerHandler;
import dev.neons3backup.neon.TargetResolver;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.EventSourcePoller.Stats;
import dev.neons3backup.testing.LambdaInvokeStandIn;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import dev.neons3backup.testing.SnsEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Neon discovery that outlasts one dispatcher invocation, on real local servers: the Neon API
 * emulator, S3Mock, ElasticMQ, SNS and a stand-in of Lambda's Invoke API that runs the dispatcher
 * again with the event it invoked itself with. A budget of projects per invocation
 * (NEON_PROJECTS_PER_INVOCATION) stands for the deadline, so the run needs three invocations.
 */
class FleetContinuationIT {
  private static final ElasticMqServer SQS = ElasticMqServer.shared();
  private static final SnsEmulator SNS = SnsEmulator.start();
  private static final Duration BOUND = Duration.ofSeconds(300);
  private static final int PROJECTS = 12;
  private static final int PER_INVOCATION = 4;

  private final Harness h = new Harness();
  private final String topic = SNS.topic("alarms-" + h.bucket);
  private final NeonApiEmulator neon = NeonApiEmulator.on(Harness.PG);
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final Instant run =
      Instant.parse("2026-12-02T02:00:00Z").plusSeconds(new java.util.Random().nextInt(86_400));
  private final TestContext context = new TestContext(() -> Duration.ofMinutes(15).toMillis());

  @AfterEach
  void stopNeon() {
    neon.close();
  }

  @AfterAll
  static void stop() {
    SNS.close();
  }

  /** {@code PROJECTS} Neon projects of one database each, and one listed database. */
  private List<String> fleet() {
    String role = "cont_role_" + suffix;
    neon.org("org-c", "Continued");
    neon.key("cont-key", KeyKind.ORGANIZATION, java.util.Set.of("org-c"), null);
    neon.role(role, "ContRolePw24680xyz");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < PROJECTS; i++) {
      String project = "cont-" + suffix + "-" + i;
      String db = "cont_" + suffix + "_" + i;
      neon.project("org-c", project, "tenant " + i, 15)
          .branch("br-" + i, "main", true, 1024)
          .database(db, role);
      names.add(project + ".br-" + i + "." + db);
    }
    neon.createInCluster(Harness.PG);
    String listedDb = "cont_listed_" + suffix;
    Harness.PG.psql("postgres", "CREATE DATABASE " + listedDb + ";");
    h.secret(
        "{\"neon\": {\"api_key\": \"cont-key\"}, \"databases\": [{\"name\": \"listed-one\","
            + " \"url\": \""
            + Harness.PG.url(listedDb)
            + "\"}]}");
    names.add("listed-one");
    return names;
  }

  private Map<String, String> env(Queues queues) {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("WORK_QUEUE_URL", queues.workUrl());
    env.put("DEAD_LETTER_QUEUE_URL", queues.deadLetterUrl());
    env.put("ALARM_TOPIC_ARN", topic);
    env.put("NEON_API_URL", neon.url());
    env.put("NEON_PROJECTS_PER_INVOCATION", Integer.toString(PER_INVOCATION));
    return env;
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

  private static LambdaClient lambda(LambdaInvokeStandIn standIn) {
    return LambdaClient.builder()
        .endpointOverride(standIn.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    AwsTestCredentials.ACCESS_KEY_ID, AwsTestCredentials.SECRET_ACCESS_KEY)))
        .build();
  }

  private DispatchHandler dispatcher(
      BackupStore store, Queues queues, SqsClient sqs, SnsClient sns, LambdaClient lambda) {
    return new DispatchHandler(
        DispatchHandler.parts(
            store,
            () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId),
            env(queues),
            sqs,
            new SnsAlarm(sns, topic),
            Optional.empty(),
            metrics(),
            Clock.systemUTC(),
            Optional.of(lambda)));
  }

  /** What Lambda does with a queued event: runs the function; retries it (twice) when it fails. */
  private Consumer<String> asLambda(DispatchHandler[] handler, List<Map<String, Object>> results) {
    return payload -> {
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          results.add(handler[0].handleRequest(Json.toMap(Harness.json(payload)), context));
          return;
        } catch (RuntimeException e) {
          results.add(Map.of("failed", String.valueOf(e.getMessage())));
        }
      }
    };
  }

  private Map<String, Object> scheduled() {
    return Map.of("detail-type", "Scheduled Event", "source", "aws.events", "time", run.toString());
  }

  private Stats drain(SqsClient sqs, Queues queues) {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("NEON_API_URL", neon.url());
    WorkerHandler worker =
        new WorkerHandler(
            h.service(),
            () -> SecretTargets.load(Harness.SECRETS.client(), h.secretId),
            metrics(),
            env);
    return assertTimeoutPreemptively(
        BOUND,
        () ->
            new EventSourcePoller(sqs, queues.workUrl(), 4, e -> worker.handleRequest(e, null))
                .drain());
  }

  private List<String> plannedNames() throws IOException {
    return new Runs(store())
        .plans(run).stream()
            .flatMap(p -> p.databases().stream())
            .map(RunPlan.Database::name)
            .toList();
  }

  private Map<String, Long> objectsPerDatabase() {
    String suffix = "/" + KeyTime.format(run) + ".sql.gz";
    return h.keys().stream()
        .filter(k -> k.endsWith(suffix))
        .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('/')), Collectors.counting()));
  }

  private static String continueEvent(Instant run, int part) {
    return "{\"action\":\"continue\",\"part\":" + part + ",\"run\":\"" + run + "\"}";
  }

  @Test
  void discoveryThatOutlastsAnInvocationContinuesUntilEveryDatabaseIsPlannedOnceAndBackedUp()
      throws Exception {
    List<String> names = fleet();
    Queues queues = SQS.createWithDeadLetter("cont-" + suffix, 60, 3);
    DispatchHandler[] handler = new DispatchHandler[1];
    List<Map<String, Object>> continued = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client();
        LambdaInvokeStandIn standIn = LambdaInvokeStandIn.start(asLambda(handler, continued));
        LambdaClient lambda = lambda(standIn)) {
      handler[0] = dispatcher(store(), queues, sqs, sns, lambda);

      Map<String, Object> first = handler[0].handleRequest(scheduled(), context);
      standIn.awaitIdle();
      Stats stats = drain(sqs, queues);
      // Lambda may deliver an asynchronous event twice: the duplicate reuses part 2.
      Map<String, Object> duplicate =
          handler[0].handleRequest(Json.toMap(Harness.json(continueEvent(run, 2))), context);
      Map<String, Object> accounted =
          handler[0].handleRequest(Map.of("action", "account", "run", run.toString()), context);

      assertThat(first).containsEntry("part", 1).containsEntry("projectsLeft", 8);
      assertThat(standIn.accepted())
          .extracting(LambdaInvokeStandIn.Accepted::payload)
          .map(p -> Harness.json(p))
          .containsExactly(
              Harness.json(continueEvent(run, 2)), Harness.json(continueEvent(run, 3)));
      assertThat(standIn.accepted())
          .allSatisfy(a -> assertThat(a.functionName()).contains("neon-db-backup"));
      assertThat(continued)
          .extracting(r -> r.get("part"), r -> r.get("projectsLeft"))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(2, 4), org.assertj.core.groups.Tuple.tuple(3, 0));
      assertThat(duplicate).containsEntry("sent", 0).containsEntry("alreadyStored", 4);
      assertThat(stats.invocations()).as("each message sent once").isEqualTo(names.size());
      assertThat(stats.deleted()).isEqualTo(names.size());
      assertThat(accounted.get("accounted"))
          .isEqualTo(
              List.of(Map.of("run", run.toString(), "planned", 13, "backedUp", 13, "missing", 0)));
    }
    assertThat(plannedNames()).containsExactlyInAnyOrderElementsOf(names).doesNotHaveDuplicates();
    assertThat(new Runs(store()).plans(run)).hasSize(3);
    assertThat(objectsPerDatabase())
        .containsOnlyKeys(names)
        .allSatisfy((db, n) -> assertThat(n).isOne());
    assertThat(SNS.published()).noneMatch(p -> p.topicArn().equals(topic));
  }

  @Test
  void aRefusedContinuationLeavesTheUnexaminedProjectsNamedInTheReportAndTheAlarm()
      throws Exception {
    List<String> names = fleet();
    Queues queues = SQS.createWithDeadLetter("cont-" + suffix, 60, 3);
    DispatchHandler[] handler = new DispatchHandler[1];
    List<Map<String, Object>> continued = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client();
        LambdaInvokeStandIn standIn = LambdaInvokeStandIn.start(asLambda(handler, continued));
        LambdaClient lambda = lambda(standIn)) {
      handler[0] = dispatcher(store(), queues, sqs, sns, lambda);
      standIn.refuse();

      Map<String, Object> first = handler[0].handleRequest(scheduled(), context);
      drain(sqs, queues);
      handler[0].handleRequest(Map.of("action", "account", "run", run.toString()), context);

      assertThat(first).containsEntry("planned", 5).containsEntry("projectsLeft", 8);
      assertThat(continued).isEmpty();
    }
    RunReport report = RunReport.fromJson(h.get(Runs.reportKey(run)));
    assertThat(report.planned()).isEqualTo(6);
    assertThat(report.backedUp()).isEqualTo(5);
    assertThat(report.missing())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.name()).isEqualTo(TargetResolver.DISCOVERY_ENTRY);
              assertThat(m.why())
                  .contains("its continuation (part 2) never ran", "8 project(s) not examined");
            });
    List<String> planned = plannedNames();
    List<String> leftOut =
        names.stream().filter(n -> !planned.contains(n)).map(n -> n.split("\\.")[0]).toList();
    assertThat(leftOut).hasSize(8);
    assertThat(report.missing().get(0).why()).contains(leftOut);
    List<SnsEmulator.Published> alarms =
        SNS.published().stream().filter(p -> p.topicArn().equals(topic)).toList();
    assertThat(alarms).singleElement().satisfies(a -> assertThat(a.message()).contains(leftOut));
  }

  @Test
  void aContinuationKilledBeforeItsPartIsStoredIsRetriedAndPlansEachDatabaseOnce()
      throws Exception {
    List<String> names = fleet();
    Queues queues = SQS.createWithDeadLetter("cont-" + suffix, 60, 3);
    DispatchHandler[] handler = new DispatchHandler[1];
    List<Map<String, Object>> continued = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Part 2's first attempt dies after its discovery, before anything of it is stored.
    AtomicBoolean killed = new AtomicBoolean();
    BackupStore dying = dyingOnce(store(), Runs.planKey(run, 2), killed);
    try (SqsClient sqs = SQS.client();
        SnsClient sns = SNS.client();
        LambdaInvokeStandIn standIn = LambdaInvokeStandIn.start(asLambda(handler, continued));
        LambdaClient lambda = lambda(standIn)) {
      handler[0] = dispatcher(dying, queues, sqs, sns, lambda);

      handler[0].handleRequest(scheduled(), context);
      standIn.awaitIdle();
      Stats stats = drain(sqs, queues);
      handler[0].handleRequest(Map.of("action", "account", "run", run.toString()), context);

      assertThat(killed).isTrue();
      assertThat(continued).first().satisfies(r -> assertThat(r).containsKey("failed"));
      assertThat(continued)
          .filteredOn(r -> r.containsKey("part"))
          .extracting(r -> r.get("part"))
          .containsExactly(2, 3);
      assertThat(stats.invocations()).isEqualTo(names.size());
    }
    assertThat(plannedNames()).containsExactlyInAnyOrderElementsOf(names).doesNotHaveDuplicates();
    assertThat(objectsPerDatabase())
        .containsOnlyKeys(names)
        .allSatisfy((db, n) -> assertThat(n).isOne());
    RunReport report = RunReport.fromJson(h.get(Runs.reportKey(run)));
    assertThat(report.planned()).isEqualTo(13);
    assertThat(report.backedUp()).isEqualTo(13);
  }

  /** {@code store}, except that the first write of {@code key} kills the invocation. */
  private static BackupStore dyingOnce(BackupStore store, String key, AtomicBoolean killed) {
    return (BackupStore)
        Proxy.newProxyInstance(
            BackupStore.class.getClassLoader(),
            new Class<?>[] {BackupStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("putIfAbsent")
                  && key.equals(args[0])
                  && killed.compareAndSet(false, true)) {
                throw new IllegalStateException("killed");
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
