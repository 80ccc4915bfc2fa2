package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupResult;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.Waits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threads that read the client programs' output belong to the service that made them. */
class ServiceThreadsIT {
  private static final PostgresCluster PG = PostgresCluster.shared();

  @TempDir Path dir;

  @Test
  void closingTheServiceEndsItsClientReaderThreads() {
    Set<Thread> before = readerThreads();
    BackupService service =
        new BackupService(new LocalBackupStore(dir), Settings.from(Map.of()), Clock.systemUTC());
    String db = Harness.database("threads", "CREATE TABLE t AS SELECT 1 AS x;");

    BackupReport report =
        service.backup(
            List.of(DatabaseTarget.of("threads", PG.url(db))), Instant.now(), Deadline.NONE);
    assertThat(report.results())
        .extracting(BackupResult::status)
        .containsExactly(BackupResult.Status.SUCCEEDED);
    Set<Thread> mine = readerThreads();
    mine.removeAll(before);
    assertThat(mine).as("reader threads of this service").isNotEmpty();

    service.close();

    Waits.until(
        "the service's reader threads to end",
        Duration.ofSeconds(30),
        () -> mine.stream().noneMatch(Thread::isAlive));
  }

  private static Set<Thread> readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("pg-output"))
        .collect(Collectors.toSet());
  }
}
