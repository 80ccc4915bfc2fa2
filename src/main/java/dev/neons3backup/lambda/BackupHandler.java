package dev.neons3backup.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.json.Json;
import dev.neons3backup.neon.ResolvedTargets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The scheduled Lambda function: reads the databases from the secret, backs them all up, emits
 * metrics, and fails the invocation (after every database was tried) when any failed.
 *
 * <p>Handler string: {@code dev.neons3backup.lambda.BackupHandler::handleRequest}.
 */
public final class BackupHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LogManager.getLogger(BackupHandler.class);
  private static final AtomicBoolean JVM_SETTINGS_LOGGED = new AtomicBoolean();

  private final Supplier<Wiring> wiring;
  private Wiring built;
  private final Supplier<Drilling> drilling;
  private Drilling drillingBuilt;

  /** Used by the Lambda runtime: everything comes from the environment, built on first use. */
  public BackupHandler() {
    this.wiring = Wiring::fromEnvironment;
    this.drilling = Drilling::fromEnvironment;
    logJvmSettingsOnce();
  }

  /** Used by tests and other entry points: real clients, pointed wherever they like. */
  public BackupHandler(
      BackupService service, Supplier<List<DatabaseTarget>> targets, EmbeddedMetrics metrics) {
    this(service, (TargetSource) () -> TargetList.of(targets.get()), metrics);
  }

  /** As above, with entries that may have been refused one by one (as a secret's are). */
  public BackupHandler(BackupService service, TargetSource targets, EmbeddedMetrics metrics) {
    Wiring w = new Wiring(service, targets::load, metrics, Clock.systemUTC());
    this.wiring = () -> w;
    this.drilling = Drilling::fromEnvironment;
  }

  /**
   * Logs the JIT level and the heap limit in effect, once per JVM: the runtime builds its handler
   * once per execution environment, so this is the cold start, in the log stream of the first run.
   * The values are also JSON fields (tieredStopAtLevel, tieredCompilation, maxHeapMib).
   */
  static void logJvmSettingsOnce() {
    if (JVM_SETTINGS_LOGGED.compareAndSet(false, true)) {
      JvmSettings jvm = JvmSettings.current();
      try (var ctx =
          CloseableThreadContext.put(
                  "tieredStopAtLevel", jvm.tieredStopAtLevel().map(String::valueOf).orElse(""))
              .put("tieredCompilation", jvm.tieredCompilation().map(String::valueOf).orElse(""))
              .put("maxHeapMib", String.valueOf(jvm.maxHeapMib()))) {
        LOG.info(jvm.describe());
      }
    }
  }

  /** Where the databases come from, read at each invocation (the secret may have changed). */
  @FunctionalInterface
  public interface TargetSource {
    TargetList load();
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    String requestId = context == null ? "" : context.getAwsRequestId();
    // The catch is inside the resource block: try-with-resources closes the context before a
    // catch clause of its own runs, and the error line must carry the request id.
    try (var ctx = CloseableThreadContext.put("requestId", requestId)) {
      try {
        return Drilling.isDrill(event) ? drilling().run(context) : backup(event, context);
      } catch (BackupException e) {
        LOG.error(e.getMessage());
        throw e;
      }
    }
  }

  private Map<String, Object> backup(Map<String, Object> event, Context context) {
    Wiring w = wiring();
    Instant keyTime = keyTime(event, w.clock());
    Deadline deadline = context == null ? Deadline.NONE : context::getRemainingTimeInMillis;
    BackupReport report;
    List<String> changes;
    // Closing deletes this run's snapshot branches, whatever happened to the dumps.
    try (ResolvedTargets resolved = w.resolver().resolve(w.targets().get(), keyTime)) {
      TargetList targets = resolved.targets();
      LOG.info("backing up {} databases, key time {}", targets.size(), keyTime);
      report = w.service().backup(targets, keyTime, deadline, n -> {});
      changes = resolved.changeLines();
    }
    // After the summary line, which stays as it was: extra lines, for people and log filters.
    changes.forEach(LOG::warn);
    w.metrics().emit(report);
    w.announceShrinks(report);
    if (!report.ok()) {
      throw new BackupException(ErrorCode.DATABASE, report.failureMessage());
    }
    return Json.toMap(Response.of(report, changes));
  }

  private synchronized Drilling drilling() {
    if (drillingBuilt == null) {
      drillingBuilt = drilling.get();
    }
    return drillingBuilt;
  }

  private synchronized Wiring wiring() {
    if (built == null) {
      built = wiring.get();
    }
    return built;
  }

  /**
   * The scheduled time of the triggering event, so a retried event writes the same keys (and skips
   * what the first attempt stored); the invocation time when the event carries none.
   */
  static Instant keyTime(Map<String, Object> event, Clock clock) {
    Object time = event == null ? null : event.get("time");
    if (time instanceof String s && !s.isBlank()) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        LOG.warn("event time '{}' is not an ISO-8601 instant; using the current time", s);
      }
    }
    return clock.instant();
  }
}
