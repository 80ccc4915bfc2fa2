package dev.neons3backup;

import dev.neons3backup.health.Shrink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

  /** The backups of this run that shrank past the threshold, in the run's order. */
  public List<Shrink> shrinks() {
    return results.stream().flatMap(r -> r.shrink().stream()).toList();
  }

  /**
   * The alarm for this run's shrunken backups: one message naming each database and its drop, so a
   * night with many gives one notification, not many; empty when none shrank.
   */
  public Optional<String> shrinkMessage() {
    List<Shrink> shrinks = shrinks();
    if (shrinks.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        shrinks.size()
            + (shrinks.size() == 1 ? " backup" : " backups")
            + " much smaller than the previous one (stored; look at the database before the"
            + " previous backups expire):\n"
            + shrinks.stream().map(s -> "- " + s.describe()).collect(Collectors.joining("\n")));
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
