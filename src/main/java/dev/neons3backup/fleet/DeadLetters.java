package dev.neons3backup.fleet;

import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The dead-letter queue's depth: messages that failed every receive the queue allowed. */
@FunctionalInterface
public interface DeadLetters {
  int depth() throws IOException;

  /** None configured: nothing is counted as dead-lettered. */
  DeadLetters NONE = () -> 0;

  /** The queue's ApproximateNumberOfMessages (an approximation, as SQS gives it). */
  static DeadLetters of(SqsClient sqs, String queueUrl) {
    return () -> {
      try {
        String n =
            sqs.getQueueAttributes(
                    b ->
                        b.queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return n == null ? 0 : Integer.parseInt(n);
      } catch (SdkException | NumberFormatException e) {
        throw new IOException("cannot read the dead-letter queue's depth: " + e.getMessage(), e);
      }
    };
  }
}
