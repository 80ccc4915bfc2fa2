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
      values.put("BackupSucceeded", r.ok() ? 1 : 0);
      values.put("BackupFailed", r.ok() ? 0 : 1);
      values.put("BackupDurationSeconds", r.duration().toMillis() / 1000.0);
      r.manifest().ifPresent(m -> values.put("BackupStoredBytes", m.storedBytes()));
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("database", r.name());
      props.put("outcome", r.status().label());
      write(values, props);
    }
    write(
        Map.of("RunSucceeded", report.ok() ? 1 : 0, "RunFailedDatabases", report.failed()),
        Map.of());
  }

  /**
   * A fleet run's accounting: planned, backed up, missing and dead-lettered, and RunSucceeded (1
   * when nothing is missing), which the heartbeat alarm watches as it does for a single-function
   * run.
   */
  public void emitFleet(RunReport report) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("FleetPlanned", report.planned());
    values.put("FleetBackedUp", report.backedUp());
    values.put("FleetMissing", report.missing().size());
    values.put("FleetDeadLettered", report.deadLettered());
    values.put("RunSucceeded", report.ok() ? 1 : 0);
    write(values, Map.of("run", report.run()));
  }

  /** One line per drill: DrillPassed, DrillFailed and, when it ran, DrillDurationSeconds. */
  public void emitDrill(DrillResult r) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("DrillPassed", r.passed() ? 1 : 0);
    values.put("DrillFailed", r.passed() ? 0 : 1);
    r.record().ifPresent(d -> values.put("DrillDurationSeconds", d.durationMillis() / 1000.0));
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
            "Dimensions", List.of(List.of("Service")),
            "Metrics", definitions);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
    line.put("Service", SERVICE);
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
