package dev.neons3backup;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The outcome of a backup run over all its databases, in the order they were configured. */
public record BackupReport(Instant keyTime, List<BackupResult> results) {
  public BackupReport {
    results = List.copyOf(results);
  }

  public long succeeded() {
    return results.stream().filter(BackupResult::ok).count();
  }

  public long failed() {
    return results.size() - succeeded();
  }

  public boolean ok() {
    return failed() == 0;
  }

  /**
   * The line the original project logged at the end of a run; people alert on it, so it stays word
   * for word as it was, "1 databases" included.
   */
  public String summary() {
    return "Backup complete: "
        + succeeded()
        + " succeeded, "
        + failed()
        + " failed out of "
        + results.size()
        + " databases";
  }

  /** One line naming every database that failed and why (no passwords: reasons never hold one). */
  public String failureMessage() {
    return "Backup failed for "
        + failed()
        + " of "
        + results.size()
        + (results.size() == 1 ? " database: " : " databases: ")
        + results.stream()
            .filter(r -> !r.ok())
            .map(BackupResult::reason)
            .collect(Collectors.joining("; "));
  }
}
