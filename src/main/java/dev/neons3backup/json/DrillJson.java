package dev.neons3backup.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.restore.DrillResult;

/**
 * One database's drill, as {@code drill --json} and the Lambda's response give it: {@code record}
 * is what was stored beside the backup, absent when the drill could not start.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrillJson(
    String name, String key, String outcome, String reason, DrillRecord record) {

  public static DrillJson of(DrillResult r) {
    return new DrillJson(
        r.database(),
        r.key(),
        r.passed() ? DrillRecord.PASSED : DrillRecord.FAILED,
        r.passed() ? null : r.reason(),
        r.record().orElse(null));
  }
}
