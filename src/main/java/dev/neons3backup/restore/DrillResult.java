package dev.neons3backup.restore;

import dev.neons3backup.catalog.DrillRecord;
import java.util.Optional;

/**
 * One database's drill in a run.
 *
 * @param key the backup drilled; empty when the database had no complete backup
 * @param reason one line when it failed, empty when it passed
 * @param record what was recorded beside the backup; empty when the drill could not start (the
 *     scratch server unreachable, no complete backup): that says nothing about the backup
 */
public record DrillResult(
    String database, String key, boolean passed, String reason, Optional<DrillRecord> record) {

  static DrillResult of(DrillRecord r) {
    return new DrillResult(
        r.database(), r.key(), r.passed(), r.passed() ? "" : r.reason(), Optional.of(r));
  }

  static DrillResult notStarted(String database, String key, String reason) {
    return new DrillResult(database, key, false, reason, Optional.empty());
  }

  /** Whether the drill found the backup itself wanting (restore failed or differed). */
  public boolean backupFailed() {
    return record.map(r -> !r.passed()).orElse(false);
  }
}
