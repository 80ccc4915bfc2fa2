package dev.neons3backup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.ElasticMqServer.Queues;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** ElasticMQ behaves as the SQS the fleet relies on, through the real SDK client. */
class ElasticMqServerIT {
  private final ElasticMqServer server = ElasticMqServer.shared();

  private static String queueName() {
    return "q-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<Message> receive(SqsClient sqs, String url, int waitSeconds) {
    return sqs.receiveMessage(
            b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(waitSeconds))
        .messages();
  }

  @Test
  void aReceivedMessageIsHiddenUntilItsVisibilityTimeoutEnds() {
    Queues queues = server.createWithDeadLetter(queueName(), 1, 5);
    try (SqsClient sqs = server.client()) {
      sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody("{\"v\":1}"));
      List<Message> first = receive(sqs, queues.workUrl(), 5);
      assertThat(first).singleElement().extracting(Message::body).isEqualTo("{\"v\":1}");
      assertThat(receive(sqs, queues.workUrl(), 0)).as("hidden while in flight").isEmpty();
      List<Message> again = receive(sqs, queues.workUrl(), 10);
      assertThat(again).as("visible again after the timeout").hasSize(1);
      sqs.deleteMessage(
          b -> b.queueUrl(queues.workUrl()).receiptHandle(again.get(0).receiptHandle()));
      assertThat(receive(sqs, queues.workUrl(), 2)).as("deleted").isEmpty();
    }
  }

  @Test
  void aMessageMovesToTheDeadLetterQueueAfterMaxReceiveCountReceives() {
    Queues queues = server.createWithDeadLetter(queueName(), 1, 2);
    try (SqsClient sqs = server.client()) {
      sqs.sendMessage(b -> b.queueUrl(queues.workUrl()).messageBody("poison"));
      int receives = 0;
      for (int i = 0; i < 10 && receives < 2; i++) {
        receives += receive(sqs, queues.workUrl(), 3).size();
      }
      assertThat(receives).isEqualTo(2);
      assertThat(receive(sqs, queues.workUrl(), 3)).as("gone from the work queue").isEmpty();
      assertThat(receive(sqs, queues.deadLetterUrl(), 5))
          .singleElement()
          .extracting(Message::body)
          .isEqualTo("poison");
    }
  }
}
