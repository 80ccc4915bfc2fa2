package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.fleet.Runs;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.LambdaInvokeStandIn;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import dev.neons3backup.testing.SnsEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The dispatcher exactly as deployed: the handler string {@code
 * dev.neons3backup.lambda.DispatchHandler::handleRequest} loaded by the real runtime client, wired
 * from its environment (S3, Secrets Manager, SQS and SNS endpoints), invoked with a scheduled event
 * and then with the accounting schedule's constant input.
 */
class DispatcherAsLambdaIT {
  private static final String DISPATCH_HANDLER =
      "dev.neons3backup.lambda.DispatchHandler::handleRequest";
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final Instant RUN = Instant.parse("2026-12-03T02:00:00Z");

  @Test
  void dispatchesOneReferenceMessagePerDatabaseAndAlarmsOnceForWhatIsMissing() throws Exception {
    PostgresCluster pg = PostgresCluster.shared();
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "dispatch-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "dispatch-" + bucket;
    List<String> names = List.of("tenant-a", "tenant-b", "tenant-c");
    StringBuilder secret = new StringBuilder("{\"databases\": [");
    for (String name : names) {
      secret.append(name.equals("tenant-a") ? "" : ", ");
      secret.append("{\"name\": \"" + name + "\", \"url\": \"" + pg.url("postgres") + "\"}");
    }
    SecretsManagerStub.shared().putSecret(secretId, secret.append("]}").toString());
    ElasticMqServer sqsServer = ElasticMqServer.shared();
    Queues queues =
        sqsServer.createWithDeadLetter(
            "dispatch-" + UUID.randomUUID().toString().substring(0, 8), 60, 3);
    try (SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess dispatcher =
            dispatcher(runtime, bucket, secretId, queues, sqsServer, sns, sns.topic("alarms"));
        SqsClient sqs = sqsServer.client()) {
      dispatcher.awaitReady(WAIT);

      Invocation dispatched =
          runtime.invoke(
              "{\"version\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                  + "\"time\":\""
                  + RUN
                  + "\",\"detail\":{}}",
              WAIT,
              Duration.ofMinutes(15));
      assertThat(dispatched.succeeded()).as(dispatcher.output()).isTrue();
      assertThat(dispatched.json().get("planned").asInt()).isEqualTo(3);
      assertThat(dispatched.json().get("sent").asInt()).isEqualTo(3);
      List<String> bodies = new ArrayList<>();
      while (bodies.size() < 3) {
        List<Message> got =
            sqs.receiveMessage(
                    b -> b.queueUrl(queues.workUrl()).maxNumberOfMessages(10).waitTimeSeconds(2))
                .messages();
        assertThat(got).as("messages so far: " + bodies).isNotEmpty();
        got.forEach(m -> bodies.add(m.body()));
      }
      assertThat(bodies.stream().map(WorkItem::parse).map(WorkItem::name))
          .containsExactlyInAnyOrderElementsOf(names);
      assertThat(String.join("", bodies)).doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);

      // Nothing was backed up (no worker ran): accounting names all three, in one message.
      Invocation accounted =
          runtime.invoke("{\"action\":\"account\"}", WAIT, Duration.ofMinutes(15));
      assertThat(accounted.succeeded()).as(dispatcher.output()).isTrue();
      assertThat(sns.published())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.subject()).isEqualTo("neon-s3-backup: 3 of 3 databases not backed up");
                assertThat(p.message()).contains("- tenant-a: ", "- tenant-b: ", "- tenant-c: ");
              });
      assertThat(dispatcher.output())
          .contains("\"FleetMissing\":3")
          .doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);
    }
    try (S3Client client = s3.client()) {
      RunReport report =
          RunReport.fromJson(
              client
                  .getObjectAsBytes(b -> b.bucket(bucket).key(Runs.reportKey(RUN)))
                  .asByteArray());
      assertThat(report.planned()).isEqualTo(3);
      assertThat(report.backedUp()).isZero();
    }
  }

  @Test
  void discoveryOutlastingAnInvocationContinuesInTheFunctionInvokingItself() throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "continue-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "continue-" + bucket;
    SecretsManagerStub.shared().putSecret(secretId, "{\"neon\": {\"api_key\": \"cl-key\"}}");
    ElasticMqServer sqsServer = ElasticMqServer.shared();
    Queues queues =
        sqsServer.createWithDeadLetter(
            "continue-" + UUID.randomUUID().toString().substring(0, 8), 60, 3);
    List<LambdaRuntimeEmulator.Invocation> continued =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    try (NeonApiEmulator neon = NeonApiEmulator.on(PostgresCluster.shared());
        SnsEmulator sns = SnsEmulator.start();
        LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaInvokeStandIn invoke =
            LambdaInvokeStandIn.start(
                payload -> continued.add(runtime.invoke(payload, WAIT, Duration.ofMinutes(15))));
        LambdaProcess dispatcher =
            LambdaProcess.builder(runtime)
                .name("fleet-dispatcher-continued")
                .handler(DISPATCH_HANDLER)
                .env("S3_BUCKET", bucket)
                .env("SECRET_NAME", secretId)
                .env("WORK_QUEUE_URL", queues.workUrl())
                .env("DEAD_LETTER_QUEUE_URL", queues.deadLetterUrl())
                .env("ALARM_TOPIC_ARN", sns.topic("alarms"))
                .env("NEON_API_URL", neon.url())
                .env("NEON_PROJECTS_PER_INVOCATION", "2")
                .env("AWS_ENDPOINT_URL_S3", s3.endpoint().toString())
                .env(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                    SecretsManagerStub.shared().endpoint().toString())
                .env("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString())
                .env("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())
                .env("AWS_ENDPOINT_URL_LAMBDA", invoke.endpoint().toString())
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start();
        SqsClient sqs = sqsServer.client()) {
      neon.org("org-l", "Lambda");
      neon.key("cl-key", NeonApiEmulator.KeyKind.ORGANIZATION, java.util.Set.of("org-l"), null);
      neon.role("cl_owner", "ClOwnerPw97531");
      for (int i = 0; i < 6; i++) {
        neon.project("org-l", "cl-proj-" + i, "tenant " + i, 16)
            .branch("br-cl-" + i, "main", true, 100)
            .database("app", "cl_owner");
      }
      dispatcher.awaitReady(WAIT);

      Invocation first =
          runtime.invoke(
              "{\"detail-type\":\"Scheduled Event\",\"time\":\"" + RUN + "\",\"detail\":{}}",
              WAIT,
              Duration.ofMinutes(15));
      invoke.awaitIdle();

      assertThat(first.succeeded()).as(dispatcher.output()).isTrue();
      assertThat(first.json().get("projectsLeft").asInt()).isEqualTo(4);
      assertThat(invoke.accepted())
          .extracting(LambdaInvokeStandIn.Accepted::functionName)
          .containsOnly(
              "arn:aws:lambda:us-east-1:123456789012:function:"
                  + LambdaRuntimeEmulator.DEFAULT_FUNCTION_NAME);
      assertThat(continued).hasSize(2).allSatisfy(c -> assertThat(c.succeeded()).isTrue());
      assertThat(continued.get(1).json().get("part").asInt()).isEqualTo(3);
      List<String> names = new ArrayList<>();
      while (names.size() < 6) {
        List<Message> got =
            sqs.receiveMessage(
                    b -> b.queueUrl(queues.workUrl()).maxNumberOfMessages(10).waitTimeSeconds(2))
                .messages();
        assertThat(got).as("messages so far: " + names).isNotEmpty();
        got.forEach(m -> names.add(WorkItem.parse(m.body()).name()));
      }
      assertThat(names)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrder(
              "cl-proj-0.br-cl-0.app",
              "cl-proj-1.br-cl-1.app",
              "cl-proj-2.br-cl-2.app",
              "cl-proj-3.br-cl-3.app",
              "cl-proj-4.br-cl-4.app",
              "cl-proj-5.br-cl-5.app");
    }
    try (S3Client client = s3.client()) {
      assertThat(
              client.listObjectsV2(b -> b.bucket(bucket).prefix("_runs/")).contents().stream()
                  .map(o -> o.key().substring(o.key().lastIndexOf('/') + 1)))
          .containsExactlyInAnyOrder("plan.json", "plan-2.json", "plan-3.json");
    }
  }

  @Test
  void aMissingQueueUrlIsOneLineWithoutAStackTrace() {
    try (LambdaRuntimeEmulator runtime = LambdaRuntimeEmulator.start();
        LambdaProcess dispatcher =
            LambdaProcess.builder(runtime)
                .name("dispatcher-misconfigured")
                .handler(DISPATCH_HANDLER)
                .env("S3_BUCKET", "some-bucket")
                .env("SECRET_NAME", "some-secret")
                .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
                .start()) {
      dispatcher.awaitReady(WAIT);
      Invocation result = runtime.invoke("{\"time\":\"" + RUN + "\"}", WAIT, Duration.ofMinutes(1));
      assertThat(result.succeeded()).isFalse();
      assertThat(result.errorMessage()).contains("WORK_QUEUE_URL is not set");
      assertThat(dispatcher.output())
          .contains("WORK_QUEUE_URL is not set")
          .doesNotContain("\tat dev.neons3backup");
    }
  }

  private static LambdaProcess dispatcher(
      LambdaRuntimeEmulator runtime,
      String bucket,
      String secretId,
      Queues queues,
      ElasticMqServer sqs,
      SnsEmulator sns,
      String topic) {
    return LambdaProcess.builder(runtime)
        .name("fleet-dispatcher")
        .handler(DISPATCH_HANDLER)
        .env("S3_BUCKET", bucket)
        .env("SECRET_NAME", secretId)
        .env("WORK_QUEUE_URL", queues.workUrl())
        .env("DEAD_LETTER_QUEUE_URL", queues.deadLetterUrl())
        .env("ALARM_TOPIC_ARN", topic)
        .env("AWS_ENDPOINT_URL_S3", S3MockServer.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString())
        .env("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
        .start();
  }
}
