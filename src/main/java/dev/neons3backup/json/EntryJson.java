package dev.neons3backup.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.neons3backup.BackupEntry;
import dev.neons3backup.catalog.Manifest;
import java.time.Instant;

/**
 * One stored backup, as {@code list --json} gives it: {@code problem} only for an incomplete one,
 * the manifest's facts only for a complete one, {@code verifiedAt} only once verified.
 */
public record EntryJson(
    String name,
    String time,
    String key,
    String compression,
    String state,
    @JsonInclude(JsonInclude.Include.NON_NULL) String problem,
    @JsonUnwrapped Facts facts,
    boolean manifest,
    boolean verified,
    @JsonInclude(JsonInclude.Include.NON_NULL) String verifiedAt) {

  public static EntryJson of(BackupEntry e) {
    return new EntryJson(
        e.database(),
        e.time().toString(),
        e.key(),
        e.compression().id(),
        e.state().label(),
        e.complete() ? null : e.problem(),
        e.manifest().map(Facts::of).orElse(null),
        e.manifest().isPresent(),
        e.verifiedAt().isPresent(),
        e.verifiedAt().map(Instant::toString).orElse(null));
  }

  /**
   * The manifest's facts; every one is written when there is a manifest (a server version it does
   * not know as null), none when there is not.
   */
  public record Facts(
      long storedBytes, long rawBytes, long totalRows, String sha256, String serverVersion) {
    static Facts of(Manifest m) {
      return new Facts(m.storedBytes(), m.rawBytes(), m.totalRows(), m.sha256(), m.serverVersion());
    }
  }
}
