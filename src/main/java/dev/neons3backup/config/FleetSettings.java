package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What the fleet's dispatcher reads from its environment, beside {@link Settings} (which owns what
 * every function shares, such as {@code ALARM_TOPIC_ARN} and the SNS endpoint).
 *
 * @param workQueueUrl {@code WORK_QUEUE_URL}, where one message per database is sent
 * @param deadLetterQueueUrl {@code DEAD_LETTER_QUEUE_URL}, whose depth accounting reports
 * @param fargateThresholdMinutes {@code FARGATE_THRESHOLD_MINUTES} (default 10): a database whose
 *     last backup took longer is routed to Fargate when the stack has it
 * @param sqsEndpoint {@code AWS_ENDPOINT_URL_SQS} or {@code AWS_ENDPOINT_URL}
 * @param lambdaEndpoint {@code AWS_ENDPOINT_URL_LAMBDA} or {@code AWS_ENDPOINT_URL}, where the
 *     dispatcher invokes itself to continue Neon discovery
 * @param projectsPerInvocation {@code NEON_PROJECTS_PER_INVOCATION}: at most this many Neon
 *     projects examined by one dispatcher invocation (the rest continue in the next), to leave room
 *     in the account's Neon API rate for other tools; none by default (until 3 minutes before the
 *     invocation's deadline)
 */
public record FleetSettings(
    String workQueueUrl,
    Optional<String> deadLetterQueueUrl,
    int fargateThresholdMinutes,
    Optional<URI> sqsEndpoint,
    Optional<URI> lambdaEndpoint,
    Optional<Integer> projectsPerInvocation) {

  public static FleetSettings fromEnvironment() {
    return from(System.getenv());
  }

  public static FleetSettings from(Map<String, String> env) {
    String queue =
        Settings.get(env, "WORK_QUEUE_URL")
            .orElseThrow(
                () ->
                    BackupException.config(
                        "WORK_QUEUE_URL is not set; set it to the fleet's work queue URL."));
    int threshold = 10;
    Optional<String> minutes = Settings.get(env, "FARGATE_THRESHOLD_MINUTES");
    if (minutes.isPresent()) {
      threshold = minutes(minutes.get());
    }
    return new FleetSettings(
        queue,
        Settings.get(env, "DEAD_LETTER_QUEUE_URL"),
        threshold,
        Settings.endpoint(env, "AWS_ENDPOINT_URL_SQS"),
        Settings.endpoint(env, "AWS_ENDPOINT_URL_LAMBDA"),
        Settings.get(env, "NEON_PROJECTS_PER_INVOCATION").map(FleetSettings::projects));
  }

  private static int projects(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw BackupException.config(
        "NEON_PROJECTS_PER_INVOCATION is '"
            + value
            + "'; it must be a whole number of projects, 1 or more.");
  }

  private static int minutes(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= 24 * 60) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw BackupException.config(
        "FARGATE_THRESHOLD_MINUTES is '"
            + value
            + "'; it must be a whole number of minutes, 1 to 1440.");
  }
}
