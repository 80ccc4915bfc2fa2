package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.cli.CliProcess.Result;
import dev.neons3backup.health.HealthFixtures;
import dev.neons3backup.testing.PostgresCluster;
import dev.neons3backup.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local store ({@code --store file:DIR}) that is linked, unreadable, read-only or a file. The
 * tests run as root, who may read and write anything, so permission failures run the CLI as the
 * unprivileged {@code postgres} account.
 */
class LocalStoreIT {
  private static final PostgresCluster PG = PostgresCluster.shared();
  private static final String OS_USER = "postgres";
  private static String db;

  @TempDir Path work;
  private Path shared;

  @BeforeAll
  static void database() {
    db = "store_" + UUID.randomUUID().toString().substring(0, 6);
    PG.createDatabase(db);
    PG.psql(db, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 500) g;");
  }

  @AfterEach
  void cleanUp() {
    if (shared != null) {
      TestEnv.deleteTree(shared);
    }
  }

  private Result cli(String... args) {
    return CliInProcess.run(work, Map.of(), args);
  }

  @Test
  void aLinkedStoreDirectoryWorksForBackupListVerifyAndRestore() throws IOException {
    Path real = Files.createDirectories(work.resolve("real"));
    Files.createSymbolicLink(work.resolve("link"), real);
    String store = "file:link";
    Result backup = cli("backup", "--url", PG.url(db), "--name", "app", "--store", store);
    assertThat(backup.exit()).as(backup.all()).isZero();
    Result list = cli("list", "--store", store);
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).contains("app\n").contains("500 rows");
    Result verify = cli("verify", "--name", "app", "--store", store);
    assertThat(verify.exit()).as(verify.all()).isZero();
    String target = "store_dst_" + UUID.randomUUID().toString().substring(0, 6);
    Result restore =
        cli(
            "restore",
            "--name",
            "app",
            "--latest",
            "--target-url",
            PG.url(target),
            "--create-database",
            "--store",
            store);
    assertThat(restore.exit()).as(restore.all()).isZero();
    assertThat(PG.psql(target, "SELECT count(*) FROM t").strip()).isEqualTo("500");
  }

  @Test
  void aStorePathThatIsAFileIsAStorageErrorNotAnEmptyStore() throws IOException {
    Path file = Files.writeString(work.resolve("not-a-dir"), "x");
    for (String command : new String[] {"list", "verify"}) {
      Result r = cli(command, "--store", "file:" + file);
      assertThat(r.exit()).as(r.all()).isEqualTo(4);
      assertThat(r.err().strip())
          .contains(file.toString())
          .contains("it is a file, not a directory; point --store at a directory")
          .doesNotContain("\n");
    }
    Result backup = cli("backup", "--url", PG.url(db), "--name", "app", "--store", "file:" + file);
    assertThat(backup.exit()).as(backup.all()).isEqualTo(4);
    assertThat(backup.out())
        .contains("FAILED   database 'app': storing the backup failed: cannot create the directory")
        .contains("a file is in the way of a directory");
  }

  @Test
  void aStoreDirectoryThatDoesNotExistYetListsAsEmpty() {
    Result r = cli("list", "--store", "file:" + work.resolve("fresh"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("No backups in file:");
  }

  @Test
  void anUnreadableSubdirectoryIsAStorageErrorThatSaysWhatToDo() throws IOException {
    Path store = sharedDir();
    Path app = Files.createDirectories(store.resolve("app"));
    Files.writeString(app.resolve("2024-01-01_02-00-00.sql.gz"), "x");
    Path locked = Files.createDirectories(store.resolve("locked"));
    chown(app, app.resolve("2024-01-01_02-00-00.sql.gz"), locked);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Result r = CliProcess.runAs(OS_USER, store, Map.of(), "list", "--store", "file:" + store);
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: the store "
                + store
                + " failed: cannot read the directory "
                + locked
                + " (permission denied): give the user running neon-s3-backup access to it, or"
                + " use another --store");
  }

  /**
   * A store on a disk of its own is often the disk's mount point, beside mkfs's {@code lost+found}
   * (root's, mode 700): no database's folder, since no database may have that name.
   */
  @Test
  void statusOfAStoreAtADisksMountPointPassesOverItsLostAndFound() throws IOException {
    Path store = sharedDir();
    BackupEntry app = HealthFixtures.complete("app", Instant.now(), 3000, 100);
    Path object = Files.createDirectories(store.resolve("app")).resolve(app.backupKey().fileName());
    Files.writeString(object, "x");
    Files.write(Path.of(object + ".manifest.json"), app.manifest().orElseThrow().toJson());
    Path lostFound = Files.createDirectories(store.resolve("lost+found"));
    Files.setPosixFilePermissions(lostFound, PosixFilePermissions.fromString("rwx------"));

    Result r = CliProcess.runAs(OS_USER, store, Map.of(), "status", "--store", "file:" + store);
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out()).contains("app: NEVER VERIFIED").endsWith("1 database, 1 flagged.\n");
  }

  @Test
  void aReadOnlyStoreNamesThePathTheOperationAndWhatToDo() throws IOException {
    Path store = sharedDir();
    Files.setOwner(store, owner("root"));
    Result r =
        CliProcess.runAs(
            OS_USER,
            store,
            Map.of(),
            "backup",
            "--url",
            PG.url(db),
            "--name",
            "app",
            "--store",
            "file:" + store);
    assertThat(r.exit()).as(r.all()).isEqualTo(4);
    assertThat(r.out())
        .contains(
            "FAILED   database 'app': storing the backup failed: cannot create the directory "
                + store.resolve("app")
                + " (permission denied): give the user running neon-s3-backup access to it, or"
                + " use another --store");
  }

  /** A directory the postgres account can reach (JUnit's temporary directories are root's). */
  private Path sharedDir() throws IOException {
    shared =
        Files.createTempDirectory(
            "neon-s3-backup-store-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    chown(shared);
    return shared;
  }

  private static void chown(Path... paths) throws IOException {
    for (Path p : paths) {
      Files.setOwner(p, owner(OS_USER));
    }
  }

  private static UserPrincipal owner(String name) throws IOException {
    return java.nio.file.FileSystems.getDefault()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(name);
  }
}
