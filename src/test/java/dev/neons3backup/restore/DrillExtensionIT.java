package dev.neons3backup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.BackupService;
import dev.neons3backup.Deadline;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.Settings;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.store.LocalBackupStore;
import dev.neons3backup.testing.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database with an extension whose script creates a table with a primary key, a unique
 * constraint, an index and a trigger (as PostGIS's {@code spatial_ref_sys}, TimescaleDB's catalog
 * or pg_partman's configuration do) passes its drill: pg_dump leaves the extension's objects to
 * {@code CREATE EXTENSION}, so the restored catalog's count of them must leave them out too.
 *
 * <p>No extension installed here creates a table, and PostgreSQL 15 reads extensions only from its
 * share directory, so the test runs a cluster of Debian's PostgreSQL 15 copied beside a share
 * directory of its own: the server finds share/ and lib/ relative to its own executable (Debian
 * builds it relocatable: {@code PGSHAREDIR} is reached from {@code PGBINDIR} by a relative path),
 * and that share directory's {@code extension/} holds links to the installed extensions plus the
 * fixture's control file and script.
 */
class DrillExtensionIT {
  private static final Path INSTALLED = Path.of("/usr/lib/postgresql/15");
  private static final Path SHARE = Path.of("/usr/share/postgresql/15");
  private static final String CONTROL =
      "comment = 'neon-s3-backup test fixture: an extension that owns a table'\n"
          + "default_version = '1.0'\n"
          + "relocatable = false\n"
          + "schema = public\n";
  private static final String SCRIPT =
      """
      CREATE TABLE nsb_fixture_config (id int PRIMARY KEY, name text UNIQUE, note text);
      CREATE INDEX nsb_fixture_config_note ON nsb_fixture_config (note);
      CREATE FUNCTION nsb_fixture_touch() RETURNS trigger LANGUAGE plpgsql
        AS $$BEGIN RETURN NEW; END$$;
      CREATE TRIGGER nsb_fixture_touch BEFORE INSERT ON nsb_fixture_config
        FOR EACH ROW EXECUTE FUNCTION nsb_fixture_touch();
      CREATE TYPE nsb_fixture_mood AS ENUM ('ok', 'not ok');
      SELECT pg_catalog.pg_extension_config_dump('nsb_fixture_config', '');
      """;

  // As PostGIS's spatial_ref_sys: the script fills the table, and pg_dump dumps only the rows the
  // extension's condition picks (those a user added), which CREATE EXTENSION does not make again.
  private static final String SEEDED_SCRIPT =
      """
      CREATE TABLE nsb_seeded_ref (id int PRIMARY KEY, name text);
      INSERT INTO nsb_seeded_ref SELECT g, 'built in ' || g FROM generate_series(1, 5) g;
      SELECT pg_catalog.pg_extension_config_dump('nsb_seeded_ref', 'WHERE id > 1000');
      """;

  private static Path root;
  private static PostgresCluster pg;
  private static final ExecutorService READERS = Executors.newCachedThreadPool();

  @TempDir Path dir;

  @BeforeAll
  static void startClusterWithTheFixtureExtension() throws IOException {
    root = Files.createTempDirectory("pg15-relocated");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path bin = Files.createDirectories(root.resolve("usr/lib/postgresql/15/bin"));
    for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
      // A copy, not a link: the server resolves links to find its own directory.
      Files.copy(
          INSTALLED.resolve("bin").resolve(tool),
          bin.resolve(tool),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.createSymbolicLink(root.resolve("usr/lib/postgresql/15/lib"), INSTALLED.resolve("lib"));
    Path share = Files.createDirectories(root.resolve("usr/share/postgresql/15"));
    try (Stream<Path> entries = Files.list(SHARE)) {
      for (Path entry : entries.toList()) {
        if (!entry.getFileName().toString().equals("extension")) {
          Files.createSymbolicLink(share.resolve(entry.getFileName()), entry);
        }
      }
    }
    Path extensions = Files.createDirectories(share.resolve("extension"));
    try (Stream<Path> entries = Files.list(SHARE.resolve("extension"))) {
      for (Path entry : entries.toList()) {
        Files.createSymbolicLink(extensions.resolve(entry.getFileName()), entry);
      }
    }
    Files.writeString(extensions.resolve("nsb_fixture.control"), CONTROL);
    Files.writeString(extensions.resolve("nsb_fixture--1.0.sql"), SCRIPT);
    Files.writeString(
        extensions.resolve("nsb_seeded.control"), CONTROL.replace("owns a table", "seeds a table"));
    Files.writeString(extensions.resolve("nsb_seeded--1.0.sql"), SEEDED_SCRIPT);
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
    pg = PostgresCluster.startNew(bin);
  }

  @AfterAll
  static void stop() throws IOException {
    READERS.shutdownNow();
    if (pg != null) {
      pg.stop();
    }
    if (root != null) {
      try (Stream<Path> all = Files.walk(root)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aDatabaseWithAnExtensionThatOwnsATablePassesItsDrill() throws Exception {
    pg.createDatabase("ext_src");
    pg.psql(
        "ext_src",
        """
        CREATE EXTENSION nsb_fixture;
        INSERT INTO nsb_fixture_config VALUES (1, 'a', 'kept by pg_dump as configuration');
        CREATE TABLE shop (id int PRIMARY KEY, config int REFERENCES nsb_fixture_config (id),
          mood nsb_fixture_mood);
        CREATE INDEX shop_mood ON shop (mood);
        INSERT INTO shop VALUES (1, 1, 'ok'), (2, NULL, 'not ok');
        """);
    try {
      List<DrillResult> results = backUpAndDrill("ext", "ext_src");
      assertThat(results).singleElement().satisfies(r -> assertThat(r.reason()).isEmpty());
      DrillRecord record = results.get(0).record().orElseThrow();
      assertThat(record.passed()).as(String.valueOf(record.mismatches())).isTrue();
      assertThat(record.restoredObjects()).isEqualTo(record.expectedObjects());
      // The user's own: shop, its key and foreign key, its index, the enum is the extension's.
      assertThat(record.expectedObjects())
          .containsEntry("tables", 1L)
          .containsEntry("constraints", 2L)
          .containsEntry("indexes", 1L)
          .containsEntry("triggers", 0L)
          .containsEntry("types", 0L);
      assertThat(record.rowsCompared()).isEqualTo(3);
    } finally {
      pg.dropDatabase("ext_src");
    }
  }

  @Test
  void anExtensionTableWhoseRowsTheExtensionMakesComparesOnlyTheRowsTheDumpHolds()
      throws Exception {
    pg.createDatabase("seeded_src");
    pg.psql(
        "seeded_src",
        """
        CREATE EXTENSION nsb_seeded;
        INSERT INTO nsb_seeded_ref VALUES (1001, 'added by the user'), (1002, 'and another');
        """);
    try {
      List<DrillResult> results = backUpAndDrill("seeded", "seeded_src");
      DrillRecord record = results.get(0).record().orElseThrow();
      assertThat(record.mismatches()).isEmpty();
      assertThat(record.passed()).isTrue();
      assertThat(record.rowsCompared()).isEqualTo(2);
    } finally {
      pg.dropDatabase("seeded_src");
    }
  }

  /**
   * The shapes whose counts are easy to get wrong on one side: keys, foreign keys, indexes and
   * triggers of a partitioned table (cloned onto each partition), a foreign table, a range type
   * (with its multirange), a base type, a composite type, an exclusion constraint, a constraint
   * trigger, a check added NOT VALID and a function for an aggregate (the aggregate is not
   * counted).
   */
  @Test
  void partitionsForeignTablesAndBaseTypesCountAlikeInTheDumpAndTheRestoredCatalog()
      throws Exception {
    pg.createDatabase("shapes_src");
    pg.psql(
        "shapes_src",
        """
        CREATE TABLE orders (id int, placed date, PRIMARY KEY (id, placed))
          PARTITION BY RANGE (placed);
        CREATE TABLE orders_2025 PARTITION OF orders
          FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE orders_2026 PARTITION OF orders
          FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE INDEX orders_placed ON orders (placed);
        CREATE TABLE lines (order_id int, placed date, qty int,
          FOREIGN KEY (order_id, placed) REFERENCES orders) PARTITION BY LIST (qty);
        CREATE TABLE lines_small PARTITION OF lines FOR VALUES IN (1, 2, 3);
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
        CREATE TRIGGER orders_stamp BEFORE INSERT ON orders
          FOR EACH ROW EXECUTE FUNCTION stamp();
        INSERT INTO orders VALUES (1, '2025-03-01'), (2, '2026-03-01');
        INSERT INTO lines VALUES (1, '2025-03-01', 2);

        CREATE EXTENSION file_fdw;
        CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
        CREATE FOREIGN TABLE passwd (line text) SERVER files
          OPTIONS (filename '/etc/hostname');

        CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
        CREATE TYPE pair AS (a int, b text);
        CREATE TYPE word;
        CREATE FUNCTION word_in(cstring) RETURNS word AS 'textin' LANGUAGE internal
          IMMUTABLE STRICT;
        CREATE FUNCTION word_out(word) RETURNS cstring AS 'textout' LANGUAGE internal
          IMMUTABLE STRICT;
        CREATE TYPE word (INPUT = word_in, OUTPUT = word_out, LIKE = text);
        CREATE TABLE bookings (room int, during floatrange, w word, p pair,
          EXCLUDE USING gist (during WITH &&), UNIQUE NULLS NOT DISTINCT (room));
        ALTER TABLE bookings ADD CONSTRAINT positive CHECK (room > 0) NOT VALID;
        CREATE FUNCTION no_op() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
        CREATE CONSTRAINT TRIGGER bookings_check AFTER INSERT ON bookings
          DEFERRABLE FOR EACH ROW EXECUTE FUNCTION no_op();
        CREATE FUNCTION add_int(int, int) RETURNS int LANGUAGE sql AS 'SELECT $1 + $2';
        CREATE AGGREGATE total(int) (sfunc = add_int, stype = int);
        INSERT INTO bookings VALUES (101, '[1,2)', 'hello', (1, 'x'));
        """);
    try {
      List<DrillResult> results = backUpAndDrill("shapes", "shapes_src");
      DrillRecord record = results.get(0).record().orElseThrow();
      assertThat(record.mismatches()).isEmpty();
      assertThat(record.passed()).isTrue();
      // 7 tables (partitioned parents, partitions, bookings) and the foreign table; the keys of
      // the parent and of each partition, the parent's foreign key only, the exclusion and the
      // unique; the parent's index and each partition's; the parent's trigger and the constraint
      // trigger; the range, composite and base types; stamp, no_op, add_int and word_in/out.
      assertThat(record.expectedObjects())
          .containsEntry("tables", 7L)
          .containsEntry("constraints", 6L)
          .containsEntry("indexes", 3L)
          .containsEntry("triggers", 2L)
          .containsEntry("types", 3L)
          .containsEntry("functions", 5L);
    } finally {
      pg.dropDatabase("shapes_src");
    }
  }

  /** Backs {@code source} up as {@code name} into this test's store, then drills the store. */
  private List<DrillResult> backUpAndDrill(String name, String source) throws IOException {
    try (LocalBackupStore store = new LocalBackupStore(dir);
        BackupService service =
            new BackupService(store, Settings.from(Map.of()), Clock.systemUTC())) {
      var report =
          service.backup(
              List.of(DatabaseTarget.of(name, pg.url(source))), Instant.now(), Deadline.NONE);
      assertThat(report.ok()).as(report.toString()).isTrue();
      return new Drills(store, client(), Clock.systemUTC())
          .run(Optional.empty(), 0, DatabaseTarget.of("scratch", pg.url("postgres")));
    }
  }

  private static PgClient client() {
    return new PgClient(
        List.of(INSTALLED.resolve("bin")), READERS, new PgClient.Retry(1, Duration.ofMillis(100)));
  }
}
