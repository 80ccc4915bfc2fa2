package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduled drill's settings.
 *
 * @param sampleSize {@code DRILL_SAMPLE_SIZE}: databases drilled per run, those drilled longest ago
 *     first; 0 (the default) drills every database
 * @param alarmTopicArn {@code ALARM_TOPIC_ARN}, where a failed drill's message goes (both shapes)
 * @param snsEndpoint {@code AWS_ENDPOINT_URL_SNS} or {@code AWS_ENDPOINT_URL}
 */
public record DrillSettings(
    int sampleSize, Optional<String> alarmTopicArn, Optional<URI> snsEndpoint) {
  public static DrillSettings from(Map<String, String> env) {
    return new DrillSettings(
        sampleSize(env),
        Settings.get(env, "ALARM_TOPIC_ARN"),
        Settings.endpoint(env, "AWS_ENDPOINT_URL_SNS"));
  }

  private static int sampleSize(Map<String, String> env) {
    String text = env.getOrDefault("DRILL_SAMPLE_SIZE", "").strip();
    if (text.isEmpty()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Falls through to the one-line error.
    }
    throw BackupException.config(
        "DRILL_SAMPLE_SIZE is '" + text + "'; set it to 0 (every database) or a positive number.");
  }
}
