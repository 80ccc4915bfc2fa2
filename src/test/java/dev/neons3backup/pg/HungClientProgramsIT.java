package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neons3backup.BackupException;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client program that never answers (a hung pg_dump --version, a psql stuck on a dead network)
 * ends within a bound, and is killed with whatever it started.
 */
class HungClientProgramsIT {
  private static final Path REAL = Path.of("/usr/lib/postgresql/15/bin");
  private static final ExecutorService READERS = Executors.newCachedThreadPool();

  @TempDir Path dir;

  @AfterAll
  static void stopReaders() {
    READERS.shutdownNow();
  }

  @Test
  void aPgDumpThatNeverAnswersItsVersionIsSkippedAndKilled() throws IOException {
    Path bin = hungBinDir("pg_dump");
    Files.createSymbolicLink(bin.resolve("psql"), REAL.resolve("psql"));

    PgInstallations found =
        assertTimeoutPreemptively(
            Duration.ofSeconds(90),
            () ->
                new PgClient(List.of(bin), READERS, new PgClient.Retry(1, Duration.ZERO))
                    .installations());

    assertThat(found.all()).noneMatch(b -> b.binDir().equals(bin));
    assertNoProcessLeftRunning(bin);
  }

  @Test
  void aPsqlThatNeverAnswersFailsTheProbeWithOneLineAndIsKilled() throws IOException {
    Path bin = hungBinDir("psql");
    Files.createSymbolicLink(bin.resolve("pg_dump"), REAL.resolve("pg_dump"));
    PgClient client =
        new PgClient(
            new PgInstallations(List.of(new PgBinary(bin, 15, "15"))),
            READERS,
            new PgClient.Retry(1, Duration.ofMillis(10), Duration.ofSeconds(2)));
    DatabaseTarget target = DatabaseTarget.of("hung", "postgresql://u:Secret-pw@127.0.0.1:1/db");

    assertTimeoutPreemptively(
        Duration.ofSeconds(90),
        () ->
            assertThatThrownBy(() -> client.connect(target, () -> false))
                .isInstanceOf(BackupException.class)
                .hasMessageStartingWith("database 'hung': ")
                .hasMessageNotContaining("Secret-pw")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    assertNoProcessLeftRunning(bin);
  }

  /** A program that writes nothing and never exits, through a child of its own. */
  private Path hungBinDir(String program) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve(program);
    Files.writeString(script, "#!/bin/bash\n" + script + "-child \"$@\"\n");
    Path child = bin.resolve(program + "-child");
    Files.writeString(child, "#!/bin/bash\nwhile :; do sleep 0.2; done\n");
    script.toFile().setExecutable(true);
    child.toFile().setExecutable(true);
    return bin;
  }

  /** Nothing whose command line names the directory runs any more (children included). */
  private static void assertNoProcessLeftRunning(Path bin) {
    Waits.until(
        "the hung program and its child to be gone",
        Duration.ofSeconds(10),
        () ->
            ProcessHandle.allProcesses()
                .noneMatch(
                    p ->
                        p.info().commandLine().map(c -> c.contains(bin.toString())).orElse(false)));
  }
}
