package dev.neons3backup.retention;

import dev.neons3backup.BackupException;

/**
 * What {@code prune} keeps of each database. A backup is kept when any rule keeps it; a zero turns
 * a rule off, except {@code keepLast}, which is at least 1 so that a prune can never delete every
 * backup of a database.
 */
public record RetentionPolicy(int keepLast, int keepDays, int keepWeekly, int keepMonthly) {
  public RetentionPolicy {
    if (keepLast < 1) {
      throw BackupException.config(
          "--keep-last must be at least 1: prune never deletes the newest backup of a database");
    }
    requireNotNegative("--keep-days", keepDays);
    requireNotNegative("--keep-weekly", keepWeekly);
    requireNotNegative("--keep-monthly", keepMonthly);
  }

  private static void requireNotNegative(String option, int value) {
    if (value < 0) {
      throw BackupException.config(option + " must be 0 or more, got " + value);
    }
  }
}
