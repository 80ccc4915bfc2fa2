package dev.neons3backup;

import dev.neons3backup.retention.RetentionPlan;
import java.util.List;

/**
 * A retention plan and, when it was carried out, what was deleted and what could not be.
 *
 * @param deleted keys of the backups deleted (with their side files); empty for a dry run
 * @param failures one line per backup that could not be deleted
 */
public record PruneReport(
    RetentionPlan plan, boolean confirmed, List<String> deleted, List<String> failures) {
  public PruneReport {
    deleted = List.copyOf(deleted);
    failures = List.copyOf(failures);
  }
}
