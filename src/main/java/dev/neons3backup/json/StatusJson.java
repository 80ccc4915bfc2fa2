package dev.neons3backup.json;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.health.DatabaseStatus;
import dev.neons3backup.health.Flag;
import dev.neons3backup.health.Shrink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One database as {@code status --json} gives it. Every field is always written (null when there is
 * nothing to say), so a script reads the same shape for every database.
 *
 * @param flags the flag labels, e.g. {@code "NEVER VERIFIED"}; empty when all is well
 * @param reasons one line per flag saying why, in the same order
 * @param ageHours whole hours since the newest complete backup's time
 * @param rawBytesChangePercent the newest complete backup's raw size against the previous one's
 * @param incompleteNewer backups newer than the newest complete one that are not complete
 */
public record StatusJson(
    String name,
    List<String> flags,
    List<String> reasons,
    Backup newest,
    Backup previous,
    Long ageHours,
    Double rawBytesChangePercent,
    Double totalRowsChangePercent,
    String shrink,
    String verifiedAt,
    Drill drill,
    int incompleteNewer) {

  public static StatusJson of(DatabaseStatus s) {
    var h = s.health();
    Manifest newest = h.newest().flatMap(BackupEntry::manifest).orElse(null);
    Manifest previous = h.previous().flatMap(BackupEntry::manifest).orElse(null);
    return new StatusJson(
        s.database(),
        s.flags().stream().map(Flag::label).toList(),
        s.reasons(),
        h.newest().map(Backup::of).orElse(null),
        h.previous().map(Backup::of).orElse(null),
        s.age().map(Duration::toHours).orElse(null),
        change(previous, newest, true),
        change(previous, newest, false),
        s.shrink().map(Shrink::describe).orElse(null),
        h.lastVerified().map(Instant::toString).orElse(null),
        h.drill().map(Drill::of).orElse(null),
        h.notComplete());
  }

  /** Percent change, one decimal; null without a previous backup or when it was empty. */
  private static Double change(Manifest previous, Manifest newest, boolean raw) {
    if (previous == null || newest == null) {
      return null;
    }
    long before = raw ? previous.rawBytes() : previous.totalRows();
    long after = raw ? newest.rawBytes() : newest.totalRows();
    if (before <= 0) {
      return null;
    }
    return Math.round((after - before) * 1000.0 / before) / 10.0;
  }

  /** A complete backup's facts. */
  public record Backup(String key, String time, long rawBytes, long storedBytes, long totalRows) {
    static Backup of(BackupEntry e) {
      Manifest m = e.manifest().orElseThrow();
      return new Backup(e.key(), e.time().toString(), m.rawBytes(), m.storedBytes(), m.totalRows());
    }
  }

  /** The database's newest drill: which backup, when, and how it ended. */
  public record Drill(String key, String finishedAt, String outcome, String reason) {
    static Drill of(DrillRecord d) {
      return new Drill(d.key(), d.finishedAt(), d.outcome(), d.reason());
    }
  }
}
