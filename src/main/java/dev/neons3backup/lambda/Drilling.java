package dev.neons3backup.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.DrillSettings;
import dev.neons3backup.config.SecretTargets;
import dev.neons3backup.config.Settings;
import dev.neons3backup.fleet.Alarm;
import dev.neons3backup.json.DrillJson;
import dev.neons3backup.restore.DrillLimits;
import dev.neons3backup.restore.DrillResult;
import dev.neons3backup.restore.DrillRun;
import dev.neons3backup.store.S3BackupStore;
import dev.neons3backup.store.S3Clients;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code {"action":"drill"}} event, the same in both shapes (BackupHandler and
 * DispatchHandler): drills on the secret's {@code drillTarget}, emits one metrics line per drill,
 * publishes one alarm naming every failed drill, and fails the invocation naming them.
 */
public final class Drilling {
  private static final Logger LOG = LogManager.getLogger(Drilling.class);
  static final String ACTION = "drill";

  /** A drill restores and compares: it takes longer than a backup of the same database. */
  static final Duration MARGIN = Duration.ofMinutes(3);

  private final BackupService service;
  private final Supplier<DatabaseTarget> scratch;
  private final DrillSettings settings;
  private final EmbeddedMetrics metrics;
  private final Alarm alarm;

  public Drilling(
      BackupService service,
      Supplier<DatabaseTarget> scratch,
      DrillSettings settings,
      EmbeddedMetrics metrics,
      Alarm alarm) {
    this.service = service;
    this.scratch = scratch;
    this.settings = settings;
    this.metrics = metrics;
    this.alarm = alarm;
  }

  static boolean isDrill(Map<String, Object> event) {
    return event != null && ACTION.equals(event.get("action"));
  }

  /**
   * Drills within the invocation's time: no drill after the first starts with less than {@link
   * #MARGIN} left; the databases left over are named in the response, not failed (the next run
   * drills them first).
   */
  Map<String, Object> run(Context context) {
    DatabaseTarget target = scratch.get();
    Deadline deadline = context == null ? Deadline.NONE : context::getRemainingTimeInMillis;
    DrillRun run =
        service.drill(
            Optional.empty(),
            settings.sampleSize(),
            target,
            new DrillLimits(deadline, MARGIN, DrillLimits.LEFTOVER_AGE));
    List<DrillResult> results = run.results();
    results.forEach(metrics::emitDrill);
    List<DrillResult> failed = results.stream().filter(r -> !r.passed()).toList();
    LOG.info(
        "Drill complete: {} passed, {} failed out of {} databases, {} left for the next run",
        results.size() - failed.size(),
        failed.size(),
        results.size(),
        run.notDrilled().size());
    if (!failed.isEmpty()) {
      String lines = failed.stream().map(DrillResult::reason).collect(Collectors.joining("\n"));
      publish(failed, lines);
      throw new BackupException(
          ErrorCode.VERIFICATION,
          "restore drill failed for "
              + failed.stream().map(DrillResult::database).collect(Collectors.joining(", "))
              + ": "
              + lines.replace('\n', ' '));
    }
    return Map.of(
        "drills", results.stream().map(DrillJson::of).toList(), "notDrilled", run.notDrilled());
  }

  private void publish(List<DrillResult> failed, String lines) {
    String subject =
        "neon-s3-backup: restore drill failed for "
            + (failed.size() == 1 ? failed.get(0).database() : failed.size() + " databases");
    try {
      alarm.publish(subject.length() > 99 ? subject.substring(0, 99) : subject, lines);
    } catch (IOException | RuntimeException e) {
      // The failed invocation and the DrillFailed metric still raise the alarm.
      LOG.error("publishing the drill alarm failed: {}", e.getMessage());
    }
  }

  /** Everything from the environment, as the deployed function builds it. */
  static Drilling fromEnvironment() {
    Settings settings = Wiring.functionSettings();
    DrillSettings drill = DrillSettings.from(System.getenv());
    Clock clock = Clock.systemUTC();
    S3BackupStore store =
        new S3BackupStore(
            S3Clients.s3(settings), settings.bucket(), "", S3BackupStore.DEFAULT_PART_SIZE);
    var secrets = S3Clients.secrets(settings);
    Alarm alarm = Wiring.alarm(settings);
    return new Drilling(
        new BackupService(store, settings, clock),
        () -> SecretTargets.drillTarget(secrets, settings.secretName()),
        drill,
        new EmbeddedMetrics(settings.metricsNamespace(), System.out, clock),
        alarm);
  }
}
