package dev.neons3backup.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.neons3backup.BackupException;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import dev.neons3backup.fleet.WorkItem;
import dev.neons3backup.fleet.WorkItemTargets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The fleet's worker, fed by an SQS event source mapping (batch size 1, partial batch responses):
 * each record names one database of a run ({@link WorkItem}); the worker finds its connection
 * itself (the secret's entry, or the Neon API) and backs it up with the run's key time, so a
 * redelivered message skips a complete backup and completes an incomplete one. A record that failed
 * or could not be read is returned in {@code batchItemFailures}, so the queue redelivers it and
 * finally moves it to the dead-letter queue.
 *
 * <p>Handler string: {@code dev.neons3backup.lambda.WorkerHandler::handleRequest}. The event and
 * response are maps in the shape of the SQS event and {@code SQSBatchResponse}, which the runtime
 * (de)serializes without the events library.
 */
public final class WorkerHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LogManager.getLogger(WorkerHandler.class);

  private final Supplier<Wiring> wiring;
  private final WorkItemTargets itemTargets;
  private Wiring built;

  /** Used by the Lambda runtime: everything from the environment, built on first use and kept. */
  public WorkerHandler() {
    this.wiring = Wiring::fromEnvironment;
    this.itemTargets = WorkItemTargets.fromEnvironment(System.getenv());
    BackupHandler.logJvmSettingsOnce();
  }

  /** Used by tests: real clients pointed wherever they like; NEON_API_URL from {@code env}. */
  public WorkerHandler(
      BackupService service,
      BackupHandler.TargetSource targets,
      EmbeddedMetrics metrics,
      Map<String, String> env) {
    Wiring w = new Wiring(service, targets::load, metrics, Clock.systemUTC());
    this.wiring = () -> w;
    this.itemTargets = WorkItemTargets.fromEnvironment(env);
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    String requestId = context == null ? "" : context.getAwsRequestId();
    Deadline deadline = context == null ? Deadline.NONE : context::getRemainingTimeInMillis;
    List<Map<String, String>> failures = new ArrayList<>();
    try (var ctx = CloseableThreadContext.put("requestId", requestId)) {
      for (Map<?, ?> record : records(event)) {
        String messageId = String.valueOf(record.get("messageId"));
        if (!handled(messageId, record.get("body"), deadline)) {
          failures.add(Map.of("itemIdentifier", messageId));
        }
      }
    }
    return Map.of("batchItemFailures", failures);
  }

  private static List<Map<?, ?>> records(Map<String, Object> event) {
    Object records = event == null ? null : event.get("Records");
    List<Map<?, ?>> out = new ArrayList<>();
    if (records instanceof List<?> list) {
      for (Object r : list) {
        if (r instanceof Map<?, ?> m) {
          out.add(m);
        }
      }
    }
    return out;
  }

  /** True when the record's database is backed up (or already was); one log line otherwise. */
  private boolean handled(String messageId, Object body, Deadline deadline) {
    try (var ctx = CloseableThreadContext.put("messageId", messageId)) {
      try {
        WorkItem item = WorkItem.parse(body instanceof String s ? s : null);
        return backup(item, deadline);
      } catch (BackupException e) {
        LOG.error(e.getMessage());
        return false;
      }
    }
  }

  private boolean backup(WorkItem item, Deadline deadline) {
    Wiring w = wiring();
    try (var ctx = CloseableThreadContext.put("database", item.name())) {
      TargetList list = w.targets().get();
      BackupReport report =
          itemTargets.backUp(item, list, w.clock(), t -> backup(w, t, item, deadline));
      w.metrics().emit(report);
      w.announceShrinks(report);
      if (!report.ok()) {
        LOG.error(report.failureMessage());
      }
      return report.ok();
    }
  }

  private static BackupReport backup(
      Wiring w, DatabaseTarget target, WorkItem item, Deadline deadline) {
    return w.service()
        .backupAsWorker(TargetList.of(List.of(target)), item.run(), deadline, n -> {});
  }

  private synchronized Wiring wiring() {
    if (built == null) {
      built = wiring.get();
    }
    return built;
  }
}
