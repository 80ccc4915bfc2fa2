package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.S3MockServer;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SIGTERM or SIGINT in the middle of a CLI backup: the run stops, its multipart upload is aborted
 * or its temporary file removed, nothing is stored, and the process exits non-zero.
 */
class CliSignalIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static String big;

  @TempDir Path work;

  @BeforeAll
  static void bigDatabase() {
    big = "cli_sig_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(big);
    // ~45 MB of hex text.
    PG.psql(
        big,
        "CREATE TABLE big AS SELECT g, md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text)"
            + " AS h FROM generate_series(1, 400000) g;");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalDuringAnS3BackupAbortsItsUpload(String signal) throws Exception {
    S3MockServer s3 = S3MockServer.shared();
    String bucket = "sig-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
    Map<String, String> env = new HashMap<>(pausingPgDump());
    env.putAll(
        Map.of(
            "S3_BUCKET", bucket,
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test"));
    Path log = work.resolve("cli.log");
    Process cli = CliProcess.start(work, env, log, "backup", "--url", PG.url(big), "--name", "v");
    try (S3Client client = s3.client()) {
      Waits.until(
          "the backup's multipart upload to start",
          Duration.ofSeconds(120),
          () -> !client.listMultipartUploads(r -> r.bucket(bucket)).uploads().isEmpty());

      int exit = signalAndWait(cli, signal, log);

      assertThat(exit).as(Files.readString(log)).isNotZero();
      String printed = Files.readString(log);
      assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads())
          .as("open uploads; the CLI printed:%n%s", printed)
          .isEmpty();
      assertThat(client.listObjectsV2(r -> r.bucket(bucket)).contents())
          .as("objects; the CLI printed:%n%s", printed)
          .isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalDuringALocalBackupRemovesItsTemporaryFile(String signal) throws Exception {
    Path store = work.resolve("store");
    Path log = work.resolve("cli.log");
    Process cli = localBackupWritingItsTemporaryFile(store, log);

    int exit = signalAndWait(cli, signal, log);

    assertThat(exit).as(Files.readString(log)).isNotZero();
    assertThat(files(store))
        .as("files left in the store; the CLI printed:%n%s", Files.readString(log))
        .isEmpty();
  }

  @Test
  void aSignalledBackupSaysWhichDatabaseStoppedAndThatNothingWasStored() throws Exception {
    Path log = work.resolve("cli.log");
    Path store = work.resolve("store");
    Process cli = localBackupWritingItsTemporaryFile(store, log);

    int exit = signalAndWait(cli, "TERM", log);

    assertThat(exit).isNotZero();
    assertThat(Files.readString(log))
        .contains("database 'v': stopped, interrupted by a signal")
        .contains("nothing was stored")
        .contains("Backup complete: 0 succeeded, 1 failed out of 1 databases")
        .doesNotContain("Exception");
  }

  /**
   * pg_dump's output stops after 30 MB, with pg_dump's pipeline still running. The group {@code
   * exec}s its sleep: a shell that forked a new process after its children were killed (while being
   * killed itself) would leave an orphan holding pg_dump's output open, which a real pg_dump never
   * does.
   */
  private static Map<String, String> pausingPgDump() throws IOException {
    Path dir = Files.createTempDirectory("pgbin");
    Path real = Path.of("/usr/lib/postgresql/15/bin");
    Path script = dir.resolve("pg_dump");
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "case \"$1\" in --version|-V) exec "
            + real.resolve("pg_dump")
            + " \"$@\";; esac\n"
            + real.resolve("pg_dump")
            + " \"$@\" | { head -c 30000000; exec sleep 600; }\n");
    script.toFile().setExecutable(true);
    Files.createSymbolicLink(dir.resolve("psql"), real.resolve("psql"));
    return Map.of("PG_BIN_DIRS", dir.toString());
  }

  private static int signalAndWait(Process cli, String signal, Path log) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid())).start();
    assertThat(kill.waitFor()).isZero();
    if (!cli.waitFor(120, TimeUnit.SECONDS)) {
      cli.descendants().forEach(ProcessHandle::destroyForcibly);
      cli.destroyForcibly();
      throw new AssertionError(
          "the CLI did not exit after SIG" + signal + ":\n" + Files.readString(log));
    }
    return cli.exitValue();
  }

  private static boolean nonEmptyTemp(Path p) {
    try {
      return p.getFileName().toString().startsWith(".tmp-") && Files.size(p) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> files(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A CLI backup of {@code big} into a local store, once its temporary file is filling. */
  private Process localBackupWritingItsTemporaryFile(Path store, Path log) throws Exception {
    Process cli =
        CliProcess.start(
            work,
            pausingPgDump(),
            log,
            "backup",
            "--store",
            "file:" + store,
            "--url",
            PG.url(big),
            "--name",
            "v");
    Waits.until(
        "the backup's temporary file to fill",
        Duration.ofSeconds(120),
        () -> files(store).stream().anyMatch(CliSignalIT::nonEmptyTemp));
    return cli;
  }
}
