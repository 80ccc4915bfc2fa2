package dev.neons3backup.json;

import dev.neons3backup.RestoreReport;
import java.util.List;

/** A restore, as {@code restore --json} gives it. */
public record RestoreJson(
    String name,
    String key,
    String target,
    long tablesChecked,
    long rowsChecked,
    boolean countsRecorded,
    boolean countsMatch,
    List<String> mismatches) {

  public static RestoreJson of(RestoreReport r) {
    return new RestoreJson(
        r.backup().database(),
        r.backup().key(),
        r.target(),
        r.tablesChecked(),
        r.rowsChecked(),
        r.countsRecorded(),
        r.countsMatch(),
        r.mismatches());
  }
}
