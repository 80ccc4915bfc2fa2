package dev.neons3backup.json;

import dev.neons3backup.BackupReport;
import java.util.List;

/** {@code backup --json}: the summary line, whether every database succeeded, and each result. */
public record BackupRunJson(String summary, boolean ok, List<ResultJson> results) {
  public static BackupRunJson of(BackupReport report) {
    return new BackupRunJson(
        report.summary(), report.ok(), report.results().stream().map(ResultJson::of).toList());
  }
}
