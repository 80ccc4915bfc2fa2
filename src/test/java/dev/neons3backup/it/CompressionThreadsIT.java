package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupService;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Parallel gzip's threads belong to the service that compresses on them, and end with it. */
class CompressionThreadsIT {
  @Test
  void closingTheServiceEndsTheThreadsItsBackupsCompressedOn() throws Exception {
    Harness h = new Harness();
    h.env.put("BACKUP_COMPRESSION", "gzip");
    h.env.put("BACKUP_COMPRESSION_THREADS", "2");
    String db =
        Harness.database(
            "threads",
            "CREATE TABLE t AS SELECT g, md5(g::text) FROM generate_series(1, 20000) g;");
    h.secret(Harness.secretJson(Map.of("threads", PG.url(db))));
    Set<Thread> before = compressThreads();

    BackupService service = h.service();
    Map<String, Object> result =
        h.handler(service).handleRequest(BackupHandlerIT.scheduledEvent(), null);
    assertThat(BackupHandlerIT.statuses(result)).containsExactly("succeeded");
    Set<Thread> ours = compressThreads();
    ours.removeAll(before);
    assertThat(ours).as("threads the backup compressed on").isNotEmpty();

    service.close();
    for (Thread t : ours) {
      t.join(60_000);
    }
    assertThat(ours).noneMatch(Thread::isAlive);
  }

  private static Set<Thread> compressThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("compress-") && t.isAlive())
        .collect(Collectors.toSet());
  }
}
