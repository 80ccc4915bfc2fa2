package dev.neons3backup.testing;

import java.net.URI;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ, a real SQS-compatible server, embedded in the test JVM on a free loopback port. It
 * speaks the SQS JSON protocol the SDK uses, with visibility timeouts and redrive policies, so the
 * fleet's queue behaviour is exercised for real. Queue URLs name 127.0.0.1 and this port.
 */
public final class ElasticMqServer implements AutoCloseable {
  private static volatile ElasticMqServer shared;

  private final SQSRestServer server;
  private final int port;

  private ElasticMqServer(SQSRestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** The instance shared by the tests of this JVM; each test makes its own queues. */
  public static ElasticMqServer shared() {
    ElasticMqServer server = shared;
    if (server == null) {
      synchronized (ElasticMqServer.class) {
        if (shared == null) {
          shared = startNew();
          Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "stop-elasticmq"));
        }
        server = shared;
      }
    }
    return server;
  }

  /** A server of the caller's own; the caller closes it. */
  public static ElasticMqServer startNew() {
    int port = TestEnv.freePort();
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withPort(port)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
            .withAWSRegion(AwsTestCredentials.REGION.id())
            .start();
    server.waitUntilStarted();
    return new ElasticMqServer(server, port);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public SqsClientBuilder clientBuilder() {
    return SqsClient.builder()
        .endpointOverride(endpoint())
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /** A new client; the caller closes it. */
  public SqsClient client() {
    return clientBuilder().build();
  }

  /** A work queue and its dead-letter queue, as the fleet template declares them. */
  public record Queues(String workUrl, String deadLetterUrl) {}

  /**
   * Creates {@code name} with a redrive policy to {@code name-dlq} after {@code maxReceiveCount}
   * receives.
   */
  public Queues createWithDeadLetter(String name, int visibilitySeconds, int maxReceiveCount) {
    try (SqsClient sqs = client()) {
      String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
      String dlqArn =
          sqs.getQueueAttributes(
                  b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      String redrive =
          "{\"deadLetterTargetArn\":\""
              + dlqArn
              + "\",\"maxReceiveCount\":\""
              + maxReceiveCount
              + "\"}";
      String url =
          sqs.createQueue(
                  b ->
                      b.queueName(name)
                          .attributes(
                              Map.of(
                                  QueueAttributeName.VISIBILITY_TIMEOUT,
                                  Integer.toString(visibilitySeconds),
                                  QueueAttributeName.REDRIVE_POLICY,
                                  redrive)))
              .queueUrl();
      return new Queues(url, dlqUrl);
    }
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
