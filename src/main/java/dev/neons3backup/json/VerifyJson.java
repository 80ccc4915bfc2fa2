package dev.neons3backup.json;

import dev.neons3backup.VerifyReport;
import java.util.List;

/** One checked backup, as {@code verify --json} gives it. */
public record VerifyJson(
    String name,
    String key,
    boolean ok,
    String state,
    long storedBytes,
    String sha256,
    List<String> problems) {

  public static VerifyJson of(VerifyReport r) {
    return new VerifyJson(
        r.backup().database(),
        r.backup().key(),
        r.ok(),
        r.backup().state().label(),
        r.storedBytes(),
        r.sha256(),
        r.problems());
  }
}
