package dev.neons3backup.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.neons3backup.BackupResult;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.health.Shrink;

/**
 * One database's result, as the Lambda's response and the CLI's {@code backup --json} both give it:
 * {@code reason} only when there is one, the stored facts only when this run stored or completed
 * the backup; {@code shrink} only when it is much smaller than the previous one.
 */
public record ResultJson(
    String name,
    String status,
    String path,
    String key,
    long durationMs,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String reason,
    @JsonUnwrapped Stored stored,
    @JsonInclude(JsonInclude.Include.NON_NULL) ShrinkJson shrink) {

  public static ResultJson of(BackupResult r) {
    return new ResultJson(
        r.name(),
        r.status().label(),
        r.location(),
        r.key(),
        r.duration().toMillis(),
        r.reason(),
        r.manifest().map(Stored::of).orElse(null),
        r.shrink().map(ShrinkJson::of).orElse(null));
  }

  /**
   * How much the backup shrank since the previous complete one; null (left out) unless it fell past
   * the threshold.
   *
   * @param measure {@code "raw size"} or {@code "rows"}, whichever fell further
   * @param message the warning line, naming the database and the drop
   */
  public record ShrinkJson(String measure, long before, long after, long percent, String message) {
    static ShrinkJson of(Shrink s) {
      return new ShrinkJson(s.what(), s.before(), s.after(), s.percent(), s.describe());
    }
  }

  /** What was stored; null (and so left out) when nothing was. */
  public record Stored(long rawBytes, long storedBytes, String sha256, long totalRows) {
    static Stored of(Manifest m) {
      return new Stored(m.rawBytes(), m.storedBytes(), m.sha256(), m.totalRows());
    }
  }
}
