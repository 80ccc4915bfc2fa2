package dev.neons3backup;

import dev.neons3backup.config.ConnectionUrl;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.dump.ConnectionProbe;
import dev.neons3backup.dump.Failures;
import dev.neons3backup.dump.PgBinary;
import dev.neons3backup.dump.PgInstallations;
import dev.neons3backup.dump.PgProcesses;
import dev.neons3backup.dump.StderrTail;
import dev.neons3backup.store.BackupStore;
import dev.neons3backup.store.ReadAhead;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Streams a stored backup through decompression into {@code psql} (one transaction, stopping at the
 * first error), with no temporary file, then counts the restored tables' rows.
 */
final class Restorer {
  /** A name as pg_dump writes it in COPY: schema.table, each part plain or double-quoted. */
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(\"([^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)\\.(\"([^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)");

  private static final String USER_TABLES =
      "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid ="
          + " c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN"
          + " ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";

  private final BackupStore store;
  private final PgInstallations pg;
  private final ConnectionProbe probe;

  Restorer(BackupStore store, PgInstallations pg, ConnectionProbe probe) {
    this.store = store;
    this.pg = pg;
    this.probe = probe;
  }

  RestoreReport restore(
      BackupEntry entry,
      DatabaseTarget target,
      boolean createDatabase,
      boolean force,
      LongConsumer progress)
      throws IOException {
    if (createDatabase) {
      createDatabase(target);
    }
    int version = probe.serverVersionNum(target, pg.newest(), () -> false);
    PgBinary psql = pg.forServer(target.name(), version / 10_000);
    if (!force) {
      long tables = Long.parseLong(query(psql, target.url(), target.name(), USER_TABLES).trim());
      if (tables > 0) {
        throw new BackupException(
            ErrorCode.CONFIG,
            "database '"
                + target.name()
                + "' already has "
                + tables
                + " tables or views; restore into an empty database (--create-database makes one)"
                + " or pass --force.");
      }
    }
    load(entry, target, psql, progress);
    return compareRows(entry, target, psql);
  }

  private void load(BackupEntry entry, DatabaseTarget target, PgBinary psql, LongConsumer progress)
      throws IOException {
    Process p =
        PgProcesses.psql(psql, target.url(), List.of("--single-transaction", "--output=/dev/null"));
    StderrTail stderr = StderrTail.start(p, line -> {}, "psql-" + target.name());
    Thread drain = drain(p.getInputStream());
    IOException writeFailure = null;
    try (InputStream raw = new ReadAhead(store.open(entry.key()), 8, 1 << 20);
        InputStream plain = entry.compression().decompress(new Counting(raw, progress));
        OutputStream sql = p.getOutputStream()) {
      plain.transferTo(sql);
    } catch (IOException e) {
      writeFailure = e;
    }
    int exit = waitFor(p);
    joinQuietly(drain);
    if (exit != 0) {
      throw new BackupException(
          ErrorCode.DATABASE,
          Failures.describe(target.name(), stderr.text(), target.url().password())
              + " (psql exited with code "
              + exit
              + "; the restore was rolled back)");
    }
    if (writeFailure != null) {
      throw new BackupException(
          ErrorCode.STORAGE,
          "database '"
              + target.name()
              + "': reading the backup failed ("
              + writeFailure.getMessage()
              + "); run verify on it");
    }
  }

  private RestoreReport compareRows(BackupEntry entry, DatabaseTarget target, PgBinary psql) {
    String where = target.url().hosts() + "/" + target.url().database();
    if (entry.manifest().isEmpty()) {
      return new RestoreReport(entry, where, 0, 0, false, List.of());
    }
    Map<String, Long> recorded = entry.manifest().get().tables();
    List<String> parts = new ArrayList<>();
    for (String table : recorded.keySet()) {
      if (!QUALIFIED.matcher(table).matches()) {
        throw new BackupException(
            ErrorCode.VERIFICATION, "the manifest names an unexpected table '" + table + "'");
      }
      String literal = "'" + table.replace("'", "''") + "'";
      parts.add("SELECT " + literal + ", count(*) FROM " + table);
    }
    Map<String, Long> actual = new HashMap<>();
    if (!parts.isEmpty()) {
      String out = query(psql, target.url(), target.name(), String.join(" UNION ALL ", parts));
      for (String line : out.split("\n")) {
        int bar = line.lastIndexOf('|');
        if (bar > 0) {
          actual.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1).trim()));
        }
      }
    }
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

  private void createDatabase(DatabaseTarget target) {
    String name = target.url().database();
    if (name.isEmpty()) {
      throw BackupException.config("--create-database needs a database name in --target-url.");
    }
    ConnectionUrl maintenance = target.url().withDatabase("postgres");
    DatabaseTarget admin = new DatabaseTarget(target.name(), maintenance);
    int version = probe.serverVersionNum(admin, pg.newest(), () -> false);
    PgBinary psql = pg.forServer(target.name(), version / 10_000);
    String exists =
        query(
            psql,
            maintenance,
            target.name(),
            "SELECT count(*) FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
    if (!exists.trim().equals("0")) {
      throw BackupException.config(
          "database '"
              + name
              + "' already exists; drop it first or restore without --create-database.");
    }
    query(
        psql, maintenance, target.name(), "CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
  }

  /** Runs one SQL command through psql and returns its unaligned, tuples-only output. */
  static String query(PgBinary psql, ConnectionUrl url, String name, String sql) {
    try {
      Process p =
          PgProcesses.psql(psql, url, List.of("--no-align", "--tuples-only", "--command", sql));
      p.getOutputStream().close();
      StderrTail stderr = StderrTail.start(p, line -> {}, "psql-" + name);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (waitFor(p) != 0) {
        throw new BackupException(
            ErrorCode.DATABASE, Failures.describe(name, stderr.text(), url.password()));
      }
      return out;
    } catch (IOException e) {
      throw new BackupException(ErrorCode.DATABASE, "database '" + name + "': " + e.getMessage());
    }
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return -1;
    }
  }

  private static Thread drain(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(OutputStream.nullOutputStream());
              } catch (IOException e) {
                // psql is gone.
              }
            },
            "psql-stdout");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reports the stored bytes read, for progress. */
  private static final class Counting extends FilterInputStream {
    private final LongConsumer progress;

    Counting(InputStream in, LongConsumer progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        progress.accept(n);
      }
      return n;
    }
  }
}
