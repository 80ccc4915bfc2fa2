package dev.neons3backup.it;

import static dev.neons3backup.it.Harness.PG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.BackupReport;
import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.testing.FaultyProxy;
import dev.neons3backup.testing.Waits;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Every way a backup can break half-way leaves no object and no open multipart upload, and fails
 * only the database it happened to.
 */
class BackupFaultsIT {
  private static final String KEY_TIME = "2026-11-24_02-00-00";

  /** ~45 MB of hex text: its compressed dump spans several 8 MiB parts. */
  private static final String BIG =
      "CREATE TABLE big AS SELECT g, md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text) AS h"
          + " FROM generate_series(1, 400000) g;";

  private static String bigDb;

  private static synchronized String bigDb() {
    if (bigDb == null) {
      bigDb = Harness.database("big", BIG);
    }
    return bigDb;
  }

  /**
   * A signal that lands after the object was committed and before its manifest: the result must not
   * say that nothing was stored (the object is there, incomplete, and a retry completes it).
   */
  @Test
  void aRunStoppedBetweenTheObjectAndItsManifestSaysTheObjectIsStored() throws Exception {
    Harness h = new Harness();
    Path dir = Files.createTempDirectory("stopped-store");
    AtomicReference<BackupService> service = new AtomicReference<>();
    BackupStore local = new LocalBackupStore(dir);
    // The real local store; only the moment of the stop is staged: as the manifest is written.
    BackupStore stoppedAtManifest =
        (BackupStore)
            Proxy.newProxyInstance(
                BackupStore.class.getClassLoader(),
                new Class<?>[] {BackupStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("putIfAbsent")
                      && args[0].toString().endsWith(".manifest.json")) {
                    service.get().stopRuns("interrupted by a signal (SIGINT or SIGTERM)");
                    throw new IOException("stopped");
                  }
                  try {
                    return method.invoke(local, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Settings settings = h.settings();
    service.set(new BackupService(stoppedAtManifest, settings, Clock.systemUTC()));
    DatabaseTarget target = DatabaseTarget.of("halfway", PG.url(smallDb()));

    BackupReport report =
        service.get().backup(List.of(target), Instant.parse("2026-11-24T02:00:00Z"), Deadline.NONE);

    String reason = report.results().get(0).reason();
    assertThat(reason)
        .contains("'halfway': stopped")
        .contains("the object was stored at")
        .contains("a retry of this run completes it")
        .doesNotContain("nothing was stored");
    assertThat(local.list("halfway/")).containsExactly("halfway/2026-11-24_02-00-00.sql.gz");
  }

  private static String smallDb() {
    return Harness.database("small", "CREATE TABLE t AS SELECT g FROM generate_series(1, 50) g;");
  }

  @Test
  void pgDumpKilledMidStreamLeavesNoObjectAndNoUpload() {
    Harness h = new Harness();
    h.env.put(
        "PG_BIN_DIRS",
        Harness.wrapperBinDir("\"$REAL\" \"$@\" | head -c 30000000\nkill -KILL $$").toString());
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("victim", PG.url(bigDb()));
    targets.put("bystander", PG.url(smallDb()));
    h.secret(Harness.secretJson(targets));
    try (FaultyProxy counter = FaultyProxy.to(Harness.S3.endpoint())) {
      assertThatThrownBy(
              () -> h.handler(h.service(counter.endpoint())).handleRequest(event(), null))
          .isInstanceOf(BackupException.class)
          .hasMessageStartingWith("Backup failed for 2 of 2 databases")
          .hasMessageContaining("'victim': ")
          .hasMessageContaining("'victim': pg_dump was killed (signal 9); nothing was stored");
      // A full part went up before the kill: this was an abort of a real multipart upload.
      assertThat(counter.bytesToServer()).isGreaterThan(8L << 20);
    }
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void aDumpWithoutItsTrailerIsNeverStoredEvenWhenPgDumpExitsZero() {
    Harness h = new Harness();
    h.env.put(
        "PG_BIN_DIRS",
        Harness.wrapperBinDir("\"$REAL\" \"$@\" | head -c 20000\nexit 0").toString());
    h.secret(Harness.secretJson(Map.of("cut", PG.url(bigDb()))));

    assertThatThrownBy(() -> h.handler().handleRequest(event(), null))
        .hasMessageContaining("'cut': pg_dump's output ended without its 'dump complete' trailer");
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void theServerBackendTerminatedMidDumpLeavesNoObjectAndFailsOnlyThatDatabase() throws Exception {
    Harness h = new Harness();
    String victim = Harness.database("locked", "CREATE TABLE t AS SELECT 1 AS x;");
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("victim", PG.url(victim));
    targets.put("bystander", PG.url(smallDb()));
    h.secret(Harness.secretJson(targets));
    try (LockHolder lock = LockHolder.exclusive(victim, "t")) {
      CompletableFuture<Map<String, Object>> run =
          CompletableFuture.supplyAsync(() -> h.handler().handleRequest(event(), null));
      String pid = waitForPgDumpWaitingOnLock(victim);
      PG.psql("postgres", "SELECT pg_terminate_backend(" + pid + ")");
      assertThat(run)
          .failsWithin(Duration.ofSeconds(120))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withMessageContaining("Backup failed for 1 of 2 databases")
          .withMessageContaining("'victim': ")
          .withMessageContaining("terminat");
    }
    assertThat(h.keys())
        .filteredOn(k -> k.endsWith(".sql.gz"))
        .containsExactly("bystander/" + KEY_TIME + ".sql.gz");
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void s3GoneMidUploadLeavesNoObjectAndFailsOnlyThatDatabase() {
    Harness h = new Harness();
    Map<String, String> targets = new LinkedHashMap<>();
    targets.put("victim", PG.url(bigDb()));
    targets.put("bystander", PG.url(smallDb()));
    h.secret(Harness.secretJson(targets));
    try (FaultyProxy proxy = FaultyProxy.to(Harness.S3.endpoint())) {
      proxy.cutConnectionsCarrying(2L << 20);
      assertThatThrownBy(() -> h.handler(h.service(proxy.endpoint())).handleRequest(event(), null))
          .hasMessageStartingWith("Backup failed for 1 of 2 databases")
          .hasMessageContaining("'victim': storing the backup failed");
      assertThat(proxy.cuts()).isPositive();
    }
    assertThat(h.keys())
        .filteredOn(k -> k.endsWith(".sql.gz"))
        .containsExactly("bystander/" + KEY_TIME + ".sql.gz");
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void nearTheDeadlineNoDatabaseStarts() {
    Harness h = new Harness();
    h.secret(Harness.secretJson(Map.of("late", PG.url(smallDb()))));

    assertThatThrownBy(() -> h.handler().handleRequest(event(), new TestContext(() -> 30_000)))
        .hasMessageContaining("'late': not started, the invocation was running out of time");
    assertThat(h.keys()).isEmpty();
  }

  @Test
  void theDeadlineAbortsUploadsInFlightAndReportsThemAsTimedOut() throws Exception {
    Harness h = new Harness();
    String victim = Harness.database("slow", "CREATE TABLE t AS SELECT 1 AS x;");
    h.secret(Harness.secretJson(Map.of("slow", PG.url(victim))));
    AtomicLong remaining = new AtomicLong(600_000);
    try (LockHolder lock = LockHolder.exclusive(victim, "t")) {
      CompletableFuture<Map<String, Object>> run =
          CompletableFuture.supplyAsync(
              () -> h.handler().handleRequest(event(), new TestContext(remaining::get)));
      waitForPgDumpWaitingOnLock(victim);
      remaining.set(10_000);
      assertThat(run)
          .failsWithin(Duration.ofSeconds(60))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withMessageContaining("'slow': stopped, the invocation was running out of time");
    }
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }

  @Test
  void aPgDumpThatEndsRightAfterARowHoldingTheTrailerTextIsRefused() throws Exception {
    Harness h = new Harness();
    // A fake pg_dump: answers --version like the real one, writes a dump whose last row holds the
    // trailer's text, closes its COPY block and exits 0.
    h.env.put(
        "PG_BIN_DIRS",
        Harness.wrapperBinDir(
                "printf '%s\\n' '--' '-- PostgreSQL database dump' '--' 'SET x = 1;'"
                    + " 'COPY public.notes (note) FROM stdin;' 'first'"
                    + " '--\\n-- PostgreSQL database dump complete\\n--'"
                    + " '-- PostgreSQL database dump complete' '--' '\\.'\nexit 0")
            .toString());
    h.secret(Harness.secretJson(Map.of("forged", PG.url(smallDb()))));

    assertThatThrownBy(() -> h.handler().handleRequest(event(), null))
        .hasMessageContaining(
            "'forged': pg_dump's output ended without its 'dump complete' trailer");
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }

  /**
   * The first look at the remaining time is slow, as a watchdog thread scheduled late on a busy
   * machine would be: no database may start meanwhile, because each asks the deadline itself.
   */
  @RepeatedTest(3)
  void aRunThatBeginsInsideTheMarginStartsNoDatabase() throws Exception {
    Harness h = new Harness();
    h.env.put("BACKUP_CONCURRENCY", "3");
    Path started = Files.createTempFile("started", ".txt");
    Path bin = Harness.wrapperBinDir("echo pg_dump >> " + started + "\nexec \"$REAL\" \"$@\"");
    Path psql = bin.resolve("psql");
    Files.delete(psql);
    Files.writeString(
        psql,
        "#!/bin/bash\necho psql >> " + started + "\nexec /usr/lib/postgresql/15/bin/psql \"$@\"\n");
    psql.toFile().setExecutable(true);
    h.env.put("PG_BIN_DIRS", bin.toString());
    Map<String, String> targets = new LinkedHashMap<>();
    for (String name : List.of("late-1", "late-2", "late-3")) {
      targets.put(name, PG.url(smallDb()));
    }
    h.secret(Harness.secretJson(targets));
    AtomicBoolean first = new AtomicBoolean(true);
    TestContext slowFirstLook =
        new TestContext(
            () -> {
              if (first.getAndSet(false)) {
                sleep(1500);
              }
              return 30_000;
            });

    assertThatThrownBy(() -> h.handler().handleRequest(event(), slowFirstLook))
        .hasMessageStartingWith("Backup failed for 3 of 3 databases")
        .hasMessageContaining("'late-1': not started, the invocation was running out of time")
        .hasMessageContaining("'late-2': not started, the invocation was running out of time")
        .hasMessageContaining("'late-3': not started, the invocation was running out of time");
    assertThat(Files.readString(started)).as("client programs started").isEmpty();
    assertThat(h.keys()).isEmpty();
    assertThat(h.openUploads()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String waitForPgDumpWaitingOnLock(String db) {
    return Waits.until(
        "pg_dump of " + db + " to wait on its lock",
        Duration.ofSeconds(60),
        () -> {
          String pid =
              PG.psql(
                      "postgres",
                      "SELECT pid FROM pg_stat_activity WHERE datname = '"
                          + db
                          + "' AND application_name = 'neon-s3-backup' AND wait_event_type = 'Lock'")
                  .trim();
          return pid.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(pid);
        });
  }

  private static Map<String, Object> event() {
    return BackupHandlerIT.scheduledEvent();
  }
}
