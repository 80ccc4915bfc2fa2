package dev.neons3backup.fleet;

import dev.neons3backup.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * What accounting found for one run, stored beside its plan as {@code _runs/<key
 * time>/report.json}.
 *
 * @param planned the databases the run was accountable for (planned and refused)
 * @param backedUp those with a complete backup (object and manifest) at the run's key time
 * @param missing the others, each with why when it is known
 * @param deadLettered the dead-letter queue's depth when accounted (all runs' messages)
 */
public record RunReport(
    int v,
    String run,
    String accountedAt,
    int planned,
    int backedUp,
    List<Missing> missing,
    int deadLettered) {
  public static final int VERSION = 1;

  public RunReport {
    missing = List.copyOf(missing);
  }

  public static RunReport of(
      Instant run, Instant at, int planned, int backedUp, List<Missing> missing, int dead) {
    return new RunReport(VERSION, run.toString(), at.toString(), planned, backedUp, missing, dead);
  }

  /** A database with no complete backup for the run. */
  public record Missing(String name, String why) {}

  public boolean ok() {
    return missing.isEmpty();
  }

  public byte[] toJson() {
    return Json.bytes(this);
  }

  public static RunReport fromJson(byte[] json) throws IOException {
    return Json.read(json, RunReport.class);
  }
}
