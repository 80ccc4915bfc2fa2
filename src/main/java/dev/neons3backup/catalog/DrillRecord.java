package dev.neons3backup.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one restore drill of a backup found, stored beside it as {@code <key>.drill.json} (see
 * {@link BackupKey#drillKey()}); the newest drill replaces the one before. {@code status} reads
 * {@code finishedAt}, {@code outcome} and {@code reason}; a person reads the rest.
 *
 * @param outcome {@link #PASSED} or {@link #FAILED}
 * @param reason one line saying why a drill failed; absent when it passed
 * @param scratch where the drill restored to, without credentials (host and database)
 * @param tablesCompared tables whose rows were counted in the restored database
 * @param rowsCompared the rows the backup recorded over those tables
 * @param expectedObjects schema objects by kind, counted from the dump as it streamed past
 * @param restoredObjects the same kinds counted in the restored database's catalog
 * @param mismatches one line per difference found (empty when it passed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillRecord(
    int formatVersion,
    String database,
    String key,
    String startedAt,
    String finishedAt,
    long durationMillis,
    String outcome,
    String reason,
    String scratch,
    String backupServerVersion,
    String scratchServerVersion,
    String pgDumpVersion,
    int tablesCompared,
    long rowsCompared,
    Map<String, Long> expectedObjects,
    Map<String, Long> restoredObjects,
    List<String> mismatches) {

  public static final int FORMAT_VERSION = 1;
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";

  /**
   * Never written: what {@code status} reads from a record it cannot parse, so the problem shows
   * (and is flagged) instead of the database looking never drilled.
   */
  public static final String UNREADABLE = "unreadable";

  public DrillRecord {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    mismatches = mismatches == null ? List.of() : List.copyOf(mismatches);
  }

  /** The stand-in for the unreadable record of the backup {@code key}; {@code reason} says so. */
  public static DrillRecord unreadable(String database, String key, String reason) {
    return new DrillRecord(
        FORMAT_VERSION,
        database,
        key,
        null,
        null,
        0,
        UNREADABLE,
        reason,
        null,
        null,
        null,
        null,
        0,
        0,
        null,
        null,
        null);
  }

  public boolean passed() {
    return PASSED.equals(outcome);
  }
}
