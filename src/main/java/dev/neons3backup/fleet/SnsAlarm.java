package dev.neons3backup.fleet;

import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** Publishes the missing-databases message to the stack's alarm topic. */
public final class SnsAlarm implements Alarm {
  private final SnsClient sns;
  private final String topicArn;

  public SnsAlarm(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void publish(String subject, String message) throws IOException {
    try {
      sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message));
    } catch (SdkException e) {
      throw new IOException("cannot publish to the alarm topic: " + e.getMessage(), e);
    }
  }
}
