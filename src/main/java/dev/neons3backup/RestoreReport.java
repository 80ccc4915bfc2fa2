package dev.neons3backup;

import java.util.List;

/**
 * The outcome of a restore: what was restored where, and how the restored tables' row counts
 * compare with those recorded at backup time.
 *
 * @param mismatches one line per table whose count differs; empty when all match
 */
public record RestoreReport(
    BackupEntry backup,
    String target,
    long tablesChecked,
    long rowsChecked,
    boolean countsRecorded,
    List<String> mismatches) {
  public RestoreReport {
    mismatches = List.copyOf(mismatches);
  }

  public boolean countsMatch() {
    return countsRecorded && mismatches.isEmpty();
  }
}
