package dev.neons3backup.restore;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import dev.neons3backup.RestoreReport;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.pg.PgDatabase;
import dev.neons3backup.store.BackupStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Restores a stored backup, all or nothing, then counts the restored tables' rows.
 *
 * <p>Into an existing database: one transaction, committed only once the whole backup was read and
 * ended with pg_dump's trailer (see {@link DumpLoader}). With {@code --create-database}: into a new
 * database under a temporary name, without one big transaction (so that a schema of thousands of
 * tables needs no more locks than the server's defaults allow), renamed to the target name only
 * when complete and dropped otherwise.
 */
public final class Restorer {
  private static final Logger LOG = LogManager.getLogger(Restorer.class);

  /** A name as pg_dump writes it in COPY: schema.table, each part plain or double-quoted. */
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(\"([^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\.(\"([^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)");

  private static final String USER_TABLES =
      "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid ="
          + " c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN"
          + " ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";

  /** Tables counted per statement: each statement is its own transaction, with few locks. */
  private static final int COUNT_BATCH = 200;

  static final String TEMPORARY_INFIX = "_restoring_";
  private static final int MAX_IDENTIFIER_BYTES = 63;

  /** Long enough for any catalog query or CREATE/DROP/ALTER DATABASE on a busy server. */
  static final Duration CATALOG_LIMIT = Duration.ofMinutes(5);

  private final BackupStore store;
  private final PgClient pg;

  public Restorer(BackupStore store, PgClient pg) {
    this.store = store;
    this.pg = pg;
  }

  public RestoreReport restore(
      BackupEntry entry,
      DatabaseTarget target,
      boolean createDatabase,
      boolean force,
      LongConsumer progress) {
    return createDatabase
        ? restoreAsNewDatabase(entry, target, progress)
        : restoreInto(entry, target, force, progress);
  }

  private RestoreReport restoreInto(
      BackupEntry entry, DatabaseTarget target, boolean force, LongConsumer progress) {
    PgDatabase db = pg.connect(target, () -> false);
    if (!force) {
      requireEmpty(db);
    }
    String kept = "nothing was committed; database '" + target.url().database() + "' is as it was";
    String stopped = stoppedBySignal(target) + kept;
    try (RestoreGuard guard = RestoreGuard.install(() -> {}, () -> stopped)) {
      new DumpLoader(store, guard).load(entry, db, true, kept, progress);
    }
    return compareRows(entry, db);
  }

  private RestoreReport restoreAsNewDatabase(
      BackupEntry entry, DatabaseTarget target, LongConsumer progress) {
    String name = target.url().database();
    if (name.isEmpty()) {
      throw BackupException.config("--create-database needs a database name in --target-url.");
    }
    PgDatabase admin =
        pg.connect(
            new DatabaseTarget(target.name(), target.url().withDatabase("postgres")), () -> false);
    requireAbsent(admin, name);
    String temporary = temporaryName(name, HexFormat.of().formatHex(randomBytes(4)));
    admin.query("CREATE DATABASE " + ident(temporary), CATALOG_LIMIT);
    PgDatabase staging =
        admin.on(new DatabaseTarget(target.name(), target.url().withDatabase(temporary)));
    String kept = "no database '" + name + "' was created";
    // What the clean-up did, for the error: the copy is dropped, or the user must drop it.
    StringBuilder dropped = new StringBuilder();
    Runnable cleanup = () -> dropped.append(drop(admin, temporary));
    try (RestoreGuard guard =
        RestoreGuard.install(cleanup, () -> stoppedBySignal(target) + kept + "; " + dropped)) {
      try {
        new DumpLoader(store, guard).load(entry, staging, false, kept, progress);
        rename(admin, guard, temporary, name);
      } catch (BackupException e) {
        guard.abort();
        throw new BackupException(e.code(), e.getMessage() + "; " + dropped, e);
      } catch (RuntimeException e) {
        guard.abort();
        throw e;
      }
    }
    return compareRows(entry, admin.on(target));
  }

  private static void rename(PgDatabase admin, RestoreGuard guard, String temporary, String name) {
    String sql = "ALTER DATABASE " + ident(temporary) + " RENAME TO " + ident(name);
    boolean renamed;
    try {
      renamed = guard.finish(() -> admin.query(sql, CATALOG_LIMIT));
    } catch (IOException e) {
      throw new IllegalStateException("renaming does no I/O of its own", e);
    } catch (BackupException e) {
      throw new BackupException(
          e.code(), e.getMessage() + "; no database '" + name + "' was created by this restore");
    }
    if (!renamed) {
      throw new BackupException(
          ErrorCode.DATABASE,
          "database '"
              + admin.target().name()
              + "': the restore was interrupted; no database created");
    }
  }

  private static String stoppedBySignal(DatabaseTarget target) {
    return "database '" + target.name() + "': the restore was stopped by a signal; ";
  }

  /** {@code <target>_restoring_<hex>}, the target cut (whole characters) to fit in 63 bytes. */
  static String temporaryName(String target, String hex) {
    int room = MAX_IDENTIFIER_BYTES - TEMPORARY_INFIX.length() - hex.length();
    StringBuilder kept = new StringBuilder();
    int bytes = 0;
    for (int cp : target.codePoints().toArray()) {
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > room) {
        break;
      }
      kept.appendCodePoint(cp);
      bytes += size;
    }
    return kept + TEMPORARY_INFIX + hex;
  }

  /** Drops the partial copy; says what became of it, for the error that follows. */
  static String drop(PgDatabase admin, String temporary) {
    String force = admin.serverVersionNum() >= 130_000 ? " WITH (FORCE)" : "";
    try {
      admin.query("DROP DATABASE IF EXISTS " + ident(temporary) + force, CATALOG_LIMIT);
      return "the partial copy was dropped";
    } catch (RuntimeException e) {
      // The failure that led here is what the caller reports; README says how to drop a leftover.
      LOG.warn("could not drop the partial copy '{}': {}", temporary, e.getMessage());
      return "the partial copy '"
          + temporary
          + "' could not be dropped: once the server is reachable, DROP DATABASE "
          + ident(temporary);
    }
  }

  private static void requireEmpty(PgDatabase db) {
    long tables = Long.parseLong(db.query(USER_TABLES, CATALOG_LIMIT).trim());
    if (tables > 0) {
      throw new BackupException(ErrorCode.CONFIG, notEmpty(db.target().name(), tables));
    }
  }

  static String notEmpty(String database, long tables) {
    return "database '"
        + database
        + "' already has "
        + tables
        + (tables == 1 ? " table or view" : " tables or views")
        + "; restore into an empty database (--create-database makes one)"
        + " or pass --force.";
  }

  private static void requireAbsent(PgDatabase admin, String name) {
    String sql = "SELECT count(*) FROM pg_database WHERE datname = " + literal(name);
    if (!admin.query(sql, CATALOG_LIMIT).trim().equals("0")) {
      throw BackupException.config(
          "database '"
              + name
              + "' already exists; drop it first or restore without --create-database.");
    }
  }

  static RestoreReport compareRows(BackupEntry entry, PgDatabase db) {
    DatabaseTarget target = db.target();
    String where = target.url().hosts() + "/" + target.url().database();
    if (entry.manifest().isEmpty()) {
      return new RestoreReport(entry, where, 0, 0, false, List.of());
    }
    Map<String, Long> recorded = entry.manifest().get().tables();
    Map<String, Long> actual = countRows(db, List.copyOf(recorded.keySet()));
    List<String> mismatches = new ArrayList<>();
    long rows = 0;
    for (var e : recorded.entrySet()) {
      long got = actual.getOrDefault(e.getKey(), -1L);
      rows += Math.max(got, 0);
      if (got != e.getValue()) {
        mismatches.add(e.getKey() + ": recorded " + e.getValue() + ", restored " + got);
      }
    }
    return new RestoreReport(entry, where, recorded.size(), rows, true, mismatches);
  }

  /**
   * Counts each table's own rows ({@code FROM ONLY}: a dump's COPY holds a parent's own rows, its
   * children are dumped apart), in batches fed to psql on stdin.
   */
  private static Map<String, Long> countRows(PgDatabase db, List<String> tables) {
    Map<String, Long> actual = new HashMap<>();
    if (tables.isEmpty()) {
      return actual;
    }
    for (String table : tables) {
      if (!QUALIFIED.matcher(table).matches()) {
        throw new BackupException(
            ErrorCode.VERIFICATION, "the manifest names an unexpected table '" + table + "'");
      }
    }
    Scope scope = scope(db, tables);
    String listedPartitions =
        scope.partitions().isEmpty()
            ? ""
            : " WHERE tableoid <> ALL (ARRAY["
                + String.join(", ", scope.partitions().stream().map(Restorer::literal).toList())
                + "]::pg_catalog.regclass[])";
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < tables.size(); i += COUNT_BATCH) {
      List<String> parts = new ArrayList<>();
      for (String table : tables.subList(i, Math.min(i + COUNT_BATCH, tables.size()))) {
        String count = "SELECT " + literal(table) + ", count(*) FROM ";
        // A partitioned table holds no rows; the dump names one only when pg_dump loaded its
        // partitions through it (as it must for hash partitions on an enum): its rows are those
        // of its partitions that the dump does not name apart.
        parts.add(
            scope.partitioned().contains(table)
                ? count + table + listedPartitions
                : count + "ONLY " + table + " " + scope.conditions().getOrDefault(table, ""));
      }
      sql.append(String.join(" UNION ALL ", parts)).append(";\n");
    }
    String out = db.query(sql.toString(), Duration.ZERO);
    for (String line : out.split("\n")) {
      int bar = line.lastIndexOf('|');
      if (bar > 0) {
        actual.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1).trim()));
      }
    }
    return actual;
  }

  /**
   * What the dump held of some of {@code tables}, as {@code db} tells: the partitioned tables, the
   * partitions, and the condition (e.g. {@code WHERE NOT (srid BETWEEN 2000 AND 6999)}) of an
   * extension's configuration table whose rows pg_dump dumps only in part. The extension's script
   * makes the others again, so the restored table holds more rows than the dump (PostGIS's
   * spatial_ref_sys); the rows the condition picks are those the dump held.
   */
  private static Scope scope(PgDatabase db, List<String> tables) {
    String sql =
        "SELECT CASE WHEN c.relkind = 'p' THEN 'p' WHEN c.relispartition THEN 'r' ELSE 'c' END"
            + " || x.i || '|' || coalesce(pg_catalog.encode(pg_catalog.convert_to(f.cond,"
            + " 'UTF8'), 'hex'), '') FROM pg_catalog.unnest(ARRAY["
            + String.join(", ", tables.stream().map(Restorer::literal).toList())
            + "]::text[]) WITH ORDINALITY x(n, i) JOIN pg_catalog.pg_class c ON c.oid ="
            + " pg_catalog.to_regclass(x.n) LEFT JOIN (SELECT u.cfg, u.cond FROM"
            + " pg_catalog.pg_extension e, ROWS FROM (pg_catalog.unnest(e.extconfig),"
            + " pg_catalog.unnest(e.extcondition)) u(cfg, cond)) f ON f.cfg = c.oid"
            + " WHERE c.relkind = 'p' OR c.relispartition OR f.cond <> ''";
    Scope scope = new Scope(new ArrayList<>(), new ArrayList<>(), new HashMap<>());
    for (String line : db.query(sql, Duration.ZERO).split("\n")) {
      int bar = line.indexOf('|');
      if (bar < 2) {
        continue;
      }
      String table = tables.get(Integer.parseInt(line.substring(1, bar)) - 1);
      String condition =
          new String(HexFormat.of().parseHex(line.substring(bar + 1)), StandardCharsets.UTF_8);
      switch (line.charAt(0)) {
        case 'p' -> scope.partitioned().add(table);
        case 'r' -> scope.partitions().add(table);
        default -> {}
      }
      if (line.charAt(0) != 'p' && !condition.isEmpty()) {
        scope.conditions().put(table, condition);
      }
    }
    return scope;
  }

  private record Scope(
      List<String> partitioned, List<String> partitions, Map<String, String> conditions) {}

  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
