package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import java.util.Map;

/**
 * The scheduled drill's settings. Where a failed drill's message goes is {@link
 * Settings#alarmTopicArn()}, as for every alarm the function sends.
 *
 * @param sampleSize {@code DRILL_SAMPLE_SIZE}: databases drilled per run, those drilled longest ago
 *     first; 0 (the default) drills every database
 */
public record DrillSettings(int sampleSize) {
  public static DrillSettings from(Map<String, String> env) {
    return new DrillSettings(sampleSize(env));
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
