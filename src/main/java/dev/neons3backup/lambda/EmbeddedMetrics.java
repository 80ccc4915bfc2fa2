package dev.neons3backup.lambda;

import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.fleet.RunReport;
import dev.neons3backup.json.Json;
import dev.neons3backup.restore.DrillResult;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch metrics in Embedded Metric Format: one JSON line per database (and one per run) on
 * stdout, which Lambda ships to CloudWatch Logs, where they become metrics with no API call. The
 * only dimension is the service, so a fleet of hundreds of databases costs a handful of metrics;
 * the database name rides along as a property, searchable in Logs Insights.
 */
public final class EmbeddedMetrics {
  public static final String SERVICE = "neon-s3-backup";

  /** The one dimension every line carries (its value is {@link #SERVICE}). */
  public static final String DIMENSION = "Service";

  // The metric names: the template's alarms and dashboard are checked against these constants.
  public static final String BACKUP_SUCCEEDED = "BackupSucceeded";
  public static final String BACKUP_FAILED = "BackupFailed";
  public static final String BACKUP_DURATION_SECONDS = "BackupDurationSeconds";
  public static final String BACKUP_STORED_BYTES = "BackupStoredBytes";

  /** 1 on the line of a backup much smaller than the previous one, 0 on every other. */
  public static final String BACKUP_SHRUNK = "BackupShrunk";

  public static final String RUN_SUCCEEDED = "RunSucceeded";
  public static final String RUN_FAILED_DATABASES = "RunFailedDatabases";
  public static final String FLEET_PLANNED = "FleetPlanned";
  public static final String FLEET_BACKED_UP = "FleetBackedUp";
  public static final String FLEET_MISSING = "FleetMissing";
  public static final String FLEET_DEAD_LETTERED = "FleetDeadLettered";

  // Emitted by the drill (issue 13's contract), one line per drilled database.
  public static final String DRILL_PASSED = "DrillPassed";
  public static final String DRILL_FAILED = "DrillFailed";
  public static final String DRILL_DURATION_SECONDS = "DrillDurationSeconds";

  private final String namespace;
  private final PrintStream out;
  private final Clock clock;

  public EmbeddedMetrics(String namespace, PrintStream out, Clock clock) {
    this.namespace = namespace;
    this.out = out;
    this.clock = clock;
  }

  public void emit(BackupReport report) {
    for (BackupResult r : report.results()) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put(BACKUP_SUCCEEDED, r.ok() ? 1 : 0);
      values.put(BACKUP_FAILED, r.ok() ? 0 : 1);
      values.put(BACKUP_DURATION_SECONDS, r.duration().toMillis() / 1000.0);
      r.manifest().ifPresent(m -> values.put(BACKUP_STORED_BYTES, m.storedBytes()));
      values.put(BACKUP_SHRUNK, r.shrink().isPresent() ? 1 : 0);
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("database", r.name());
      props.put("outcome", r.status().label());
      write(values, props);
    }
    write(
        Map.of(RUN_SUCCEEDED, report.ok() ? 1 : 0, RUN_FAILED_DATABASES, report.failed()),
        Map.of());
  }

  /**
   * A fleet run's accounting: planned, backed up, missing and dead-lettered, and RunSucceeded (1
   * when nothing is missing), which the heartbeat alarm watches as it does for a single-function
   * run.
   */
  public void emitFleet(RunReport report) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(FLEET_PLANNED, report.planned());
    values.put(FLEET_BACKED_UP, report.backedUp());
    values.put(FLEET_MISSING, report.missing().size());
    values.put(FLEET_DEAD_LETTERED, report.deadLettered());
    values.put(RUN_SUCCEEDED, report.ok() ? 1 : 0);
    write(values, Map.of("run", report.run()));
  }

  /** One line per drill: DrillPassed, DrillFailed and, when it ran, DrillDurationSeconds. */
  public void emitDrill(DrillResult r) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(DRILL_PASSED, r.passed() ? 1 : 0);
    values.put(DRILL_FAILED, r.passed() ? 0 : 1);
    r.record().ifPresent(d -> values.put(DRILL_DURATION_SECONDS, d.durationMillis() / 1000.0));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("database", r.database());
    props.put("outcome", r.passed() ? "passed" : "failed");
    write(values, props);
  }

  private void write(Map<String, Object> values, Map<String, Object> properties) {
    List<Map<String, String>> definitions = new ArrayList<>();
    for (String name : values.keySet()) {
      definitions.add(Map.of("Name", name, "Unit", unit(name)));
    }
    Map<String, Object> directive =
        Map.of(
            "Namespace", namespace,
            "Dimensions", List.of(List.of(DIMENSION)),
            "Metrics", definitions);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
    line.put(DIMENSION, SERVICE);
    line.putAll(properties);
    line.putAll(values);
    String json = Json.line(line);
    synchronized (out) {
      out.println(json);
      out.flush();
    }
  }

  private static String unit(String metric) {
    if (metric.endsWith("Bytes")) {
      return "Bytes";
    }
    if (metric.endsWith("Seconds")) {
      return "Seconds";
    }
    return "Count";
  }
}
