package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.lambda.BackupHandler;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The service owns its store's threads: an entry point that is done with it closes it and they end;
 * the Lambda keeps one service for every warm invocation and never closes it.
 */
class ServiceLifecycleIT {
  /**
   * A generous bound for a thread to end once its pool has been closed, and still well under the
   * minute an idle pool thread lives on its own: a close that did nothing would fail the test.
   */
  private static final long THREAD_END_MILLIS = 30_000;

  @Test
  void closingTheServiceEndsTheThreadsOfItsStore() throws InterruptedException {
    Harness h = new Harness();
    String db =
        Harness.database("closing", "CREATE TABLE t AS SELECT g FROM generate_series(1, 50) g;");
    Set<Thread> before = storeThreads();
    BackupService service = h.service();

    BackupReport report =
        service.backup(
            List.of(DatabaseTarget.of("closing", PG.url(db))),
            Instant.parse("2026-11-24T02:00:00Z"),
            Deadline.NONE);

    assertThat(report.ok()).as(report.failureMessage()).isTrue();
    Set<Thread> started = storeThreads();
    started.removeAll(before);
    assertThat(started).as("the upload threads the backup used").isNotEmpty();
    service.close();
    for (Thread t : started) {
      t.join(THREAD_END_MILLIS);
    }
    assertThat(started).as("threads still alive after close").noneMatch(Thread::isAlive);
  }

  @Test
  void aWarmHandlerBacksUpAgainOnItsSecondInvocation() {
    Harness h = new Harness();
    String db =
        Harness.database("warm", "CREATE TABLE t AS SELECT g FROM generate_series(1, 50) g;");
    h.secret(Harness.secretJson(Map.of("warm", PG.url(db))));
    BackupHandler handler = h.handler();

    Map<String, Object> first = handler.handleRequest(event("2026-11-24T02:00:00Z"), null);
    Map<String, Object> second = handler.handleRequest(event("2026-11-25T02:00:00Z"), null);

    assertThat(statuses(first)).containsExactly("succeeded");
    assertThat(statuses(second)).containsExactly("succeeded");
    assertThat(h.keys())
        .contains("warm/2026-11-24_02-00-00.sql.gz", "warm/2026-11-25_02-00-00.sql.gz");
    assertThat(h.openUploads()).isEmpty();
  }

  private static Map<String, Object> event(String time) {
    Map<String, Object> event = new HashMap<>(BackupHandlerIT.scheduledEvent());
    event.put("time", time);
    return event;
  }

  @SuppressWarnings("unchecked")
  private static List<String> statuses(Map<String, Object> response) {
    return ((List<Map<String, Object>>) response.get("results"))
        .stream().map(r -> (String) r.get("status")).toList();
  }

  /** Live threads of S3 stores: part uploads and aborts. */
  private static Set<Thread> storeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("s3-upload-") || t.getName().startsWith("s3-abort-"))
        .collect(Collectors.toSet());
  }
}
