package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.testing.AwsTestCredentials;
import dev.neons3backup.testing.ElasticMqServer;
import dev.neons3backup.testing.ElasticMqServer.Queues;
import dev.neons3backup.testing.EventSourcePoller;
import dev.neons3backup.testing.EventSourcePoller.Stats;
import dev.neons3backup.testing.LambdaProcess;
import dev.neons3backup.testing.LambdaRuntimeEmulator;
import dev.neons3backup.testing.LambdaRuntimeEmulator.Invocation;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.SecretsManagerStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The worker exactly as deployed: the handler string {@code
 * dev.neons3backup.lambda.WorkerHandler::handleRequest} loaded by the real runtime client in two
 * JVMs of its own (MaximumConcurrency 2), fed by the test's event source poller from ElasticMQ.
 */
class FleetWorkerAsLambdaIT {
  private static final String WORKER_HANDLER =
      "dev.neons3backup.lambda.WorkerHandler::handleRequest";
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final Instant RUN = Instant.parse("2026-12-02T03:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void workersRunByTheLambdaRuntimeBackUpEveryDatabaseAndDeadLetterAMalformedMessage() {
    PostgresCluster pg = PostgresCluster.shared();
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    String secretId = "fleet-" + bucket;
    StringBuilder secret = new StringBuilder("{\"databases\": [");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String db = "fleet_lambda_" + i + "_" + UUID.randomUUID().toString().substring(0, 6);
      pg.createDatabase(db);
      pg.psql(db, "create table t(i int); insert into t values (" + i + ");");
      names.add("lambda-" + i);
      secret.append(i == 0 ? "" : ", ");
      secret.append("{\"name\": \"lambda-" + i + "\", \"url\": \"" + pg.url(db) + "\"}");
    }
    SecretsManagerStub.shared().putSecret(secretId, secret.append("]}").toString());
    ElasticMqServer sqsServer = ElasticMqServer.shared();
    Queues queues =
        sqsServer.createWithDeadLetter(
            "fleet-" + UUID.randomUUID().toString().substring(0, 8), 20, 2);

    try (LambdaRuntimeEmulator runtime1 = LambdaRuntimeEmulator.start();
        LambdaRuntimeEmulator runtime2 = LambdaRuntimeEmulator.start();
        LambdaProcess worker1 = worker(runtime1, "fleet-worker-1", bucket, secretId);
        LambdaProcess worker2 = worker(runtime2, "fleet-worker-2", bucket, secretId);
        SqsClient sqs = sqsServer.client()) {
      worker1.awaitReady(WAIT);
      worker2.awaitReady(WAIT);
      for (String name : names) {
        String body = new WorkItem(RUN, name, new WorkItem.Listed(name), false).toJson();
        sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody(body));
      }
      sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody("{\"v\":1}"));

      Stats stats =
          assertTimeoutPreemptively(
              WAIT,
              () ->
                  new EventSourcePoller(
                          sqs, queues.workUrl(), List.of(invoker(runtime1), invoker(runtime2)))
                      .drain());

      assertThat(stats.deleted()).as(worker1.output() + worker2.output()).isEqualTo(6);
      List<Message> dead =
          sqs.receiveMessage(b -> b.queueUrl(queues.deadLetterUrl()).waitTimeSeconds(5)).messages();
      assertThat(dead).singleElement().extracting(Message::body).isEqualTo("{\"v\":1}");
      String output = worker1.output() + worker2.output();
      assertThat(output).contains("malformed work item").doesNotContain("\tat dev.neons3backup");
      assertThat(output).doesNotContain(PostgresCluster.SUPERUSER_PASSWORD);
    }
    try (S3Client client = s3.client()) {
      List<String> keys =
          client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
              .map(S3Object::key)
              .toList();
      List<String> expected = new ArrayList<>();
      for (String name : names) {
        String key = name + "/" + KeyTime.format(RUN) + ".sql.gz";
        expected.addAll(List.of(key, key + ".manifest.json", key + ".sha256"));
      }
      assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }
  }

  private static LambdaProcess worker(
      LambdaRuntimeEmulator runtime, String name, String bucket, String secretId) {
    return LambdaProcess.builder(runtime)
        .name(name)
        .handler(WORKER_HANDLER)
        .env("S3_BUCKET", bucket)
        .env("SECRET_NAME", secretId)
        .env("AWS_ENDPOINT_URL_S3", S3MockServer.shared().endpoint().toString())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", SecretsManagerStub.shared().endpoint().toString())
        .env("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY)
        .start();
  }

  /** The SQS event as JSON through the runtime API; a function error fails the whole batch. */
  private static EventSourcePoller.Worker invoker(LambdaRuntimeEmulator runtime) {
    return event -> {
      try {
        Invocation result =
            runtime.invoke(JSON.writeValueAsString(event), WAIT, Duration.ofMinutes(15));
        if (!result.succeeded()) {
          throw new IllegalStateException("function error: " + result.body());
        }
        return JSON.readValue(result.body(), new TypeReference<Map<String, Object>>() {});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
