package dev.neons3backup.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.neons3backup.BackupReport;
import java.util.List;

/**
 * {@code backup --json}: the summary line, whether every database succeeded, and each result; with
 * Neon discovery, when anything changed since the last run, the databases found for the first time
 * and those no longer found (both lists, either may be empty).
 */
public record BackupRunJson(
    String summary,
    boolean ok,
    List<ResultJson> results,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> newlyDiscovered,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> noLongerDiscovered) {
  public static BackupRunJson of(BackupReport report) {
    return new BackupRunJson(
        report.summary(),
        report.ok(),
        report.results().stream().map(ResultJson::of).toList(),
        null,
        null);
  }

  /** As {@link #of(BackupReport)}, with discovery's changes when there were any. */
  public static BackupRunJson of(
      BackupReport report, List<String> newlyDiscovered, List<String> noLongerDiscovered) {
    BackupRunJson plain = of(report);
    if (newlyDiscovered.isEmpty() && noLongerDiscovered.isEmpty()) {
      return plain;
    }
    return new BackupRunJson(
        plain.summary(),
        plain.ok(),
        plain.results(),
        List.copyOf(newlyDiscovered),
        List.copyOf(noLongerDiscovered));
  }
}
