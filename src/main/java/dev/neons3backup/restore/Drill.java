package dev.neons3backup.restore;

import dev.neons3backup.BackupEntry;
import dev.neons3backup.BackupException;
import dev.neons3backup.RestoreReport;
import dev.neons3backup.catalog.DrillRecord;
import dev.neons3backup.catalog.Manifest;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.pg.DumpScanner;
import dev.neons3backup.pg.PgClient;
import dev.neons3backup.pg.PgDatabase;
import dev.neons3backup.store.BackupStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One restore drill: restores a complete backup into a scratch database that it creates (and marks
 * with a token), compares rows per table and schema objects by kind, and always drops that database
 * again — only after checking the mark, so it never drops one it did not create.
 *
 * <p>A drill that could not start (the scratch server unreachable or too old, a name already taken)
 * throws: it says nothing about the backup. Once the restore started, whatever happens is the
 * drill's outcome, returned as a {@link DrillRecord}.
 */
public final class Drill {
  private static final Logger LOG = LogManager.getLogger(Drill.class);
  static final String PREFIX = "nsb_drill_";
  static final String MARK = "neon-s3-backup drill ";

  private final BackupStore store;
  private final PgClient pg;
  private final Clock clock;
  private final Supplier<String> names;

  public Drill(BackupStore store, PgClient pg, Clock clock) {
    this(store, pg, clock, () -> PREFIX + HexFormat.of().formatHex(Restorer.randomBytes(4)));
  }

  /** As above, with the scratch database names chosen by {@code names} (tests force collisions). */
  Drill(BackupStore store, PgClient pg, Clock clock, Supplier<String> names) {
    this.store = store;
    this.pg = pg;
    this.clock = clock;
    this.names = names;
  }

  /**
   * Drills {@code entry} (a complete backup) on the server of {@code scratch}, whose database is
   * only used to connect.
   */
  public DrillRecord run(BackupEntry entry, DatabaseTarget scratch) {
    Manifest manifest = entry.manifest().orElseThrow();
    Instant started = clock.instant();
    DatabaseTarget asBackup = new DatabaseTarget(entry.database(), scratch.url());
    PgDatabase admin = pg.connect(asBackup, () -> false);
    requireNewEnough(entry.database(), manifest.serverVersion(), admin);
    String name = names.get();
    // The creation time in the mark lets a later drill tell a leftover of a killed drill.
    String token = HexFormat.of().formatHex(Restorer.randomBytes(8)) + " " + started;
    create(admin, name, token);
    Facts facts = new Facts(admin, name);
    StringBuilder dropped = new StringBuilder();
    Runnable cleanup = () -> dropped.append(dropIfOurs(admin, name, token));
    String stopped = "database '" + entry.database() + "': the drill was stopped by a signal; ";
    try (RestoreGuard guard = RestoreGuard.install(cleanup, () -> stopped + dropped)) {
      try {
        restoreAndCompare(
            entry,
            admin.on(new DatabaseTarget(entry.database(), scratch.url().withDatabase(name))),
            guard,
            facts);
      } catch (BackupException e) {
        facts.reason = e.getMessage();
      } finally {
        guard.abort();
      }
    }
    if (!dropped.toString().equals(DROPPED)) {
      // Not the backup's fault: the outcome stands, and the person is told what to clean up.
      LOG.warn("database '{}': {}", entry.database(), dropped);
    }
    return facts.record(entry, started, clock.instant());
  }

  private void restoreAndCompare(
      BackupEntry entry, PgDatabase scratchDb, RestoreGuard guard, Facts facts) {
    DumpScanner scanner = new DumpScanner();
    String kept = "the scratch database is dropped";
    new DumpLoader(store, guard, scanner).load(entry, scratchDb, false, kept, n -> {});
    facts.expected = SchemaObjects.fromDump(scanner.objectTypes());
    facts.restored = SchemaObjects.inCatalog(scratchDb);
    RestoreReport rows = Restorer.compareRows(entry, scratchDb);
    facts.tables = (int) rows.tablesChecked();
    facts.rows = entry.manifest().orElseThrow().tables().values().stream().mapToLong(n -> n).sum();
    facts.mismatches.addAll(rows.mismatches());
    facts.mismatches.addAll(SchemaObjects.differences(facts.expected, facts.restored));
    if (!facts.mismatches.isEmpty()) {
      facts.reason =
          "database '"
              + entry.database()
              + "': the restored copy differs from the backup ("
              + facts.mismatches.size()
              + (facts.mismatches.size() == 1 ? " difference" : " differences")
              + "; first: "
              + facts.mismatches.get(0)
              + ")";
    }
  }

  private static void requireNewEnough(String database, String backupVersion, PgDatabase admin) {
    int needed = major(backupVersion);
    int have = admin.serverVersionNum() / 10_000;
    if (needed > have) {
      throw BackupException.config(
          "database '"
              + database
              + "': the backup is of PostgreSQL "
              + backupVersion
              + " and the scratch server runs "
              + admin.serverVersion()
              + "; drill on a server of version "
              + needed
              + " or newer.");
    }
  }

  private static int major(String version) {
    String digits = version == null ? "" : version.replaceAll("^(\\d+).*$", "$1");
    return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
  }

  private static void create(PgDatabase admin, String name, String token) {
    String exists =
        "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = " + Restorer.literal(name);
    if (!admin.query(exists, Restorer.CATALOG_LIMIT).trim().equals("0")) {
      throw BackupException.config(
          "database '"
              + admin.target().name()
              + "': the scratch server already has a database '"
              + name
              + "'; the drill refuses to use it; run the drill again (it picks another name).");
    }
    admin.query("CREATE DATABASE " + Restorer.ident(name), Restorer.CATALOG_LIMIT);
    admin.query(
        "COMMENT ON DATABASE " + Restorer.ident(name) + " IS " + Restorer.literal(MARK + token),
        Restorer.CATALOG_LIMIT);
  }

  static final String DROPPED = "the scratch database was dropped";

  private static final Pattern LEFTOVER =
      Pattern.compile("(" + PREFIX + "[0-9a-f]+) " + MARK + "[0-9a-f]{16} (\\S+)");

  /**
   * Drops the scratch databases on the server of {@code scratch} that a killed drill left behind:
   * only those carrying a drill's mark made more than {@code age} ago (a younger one may belong to
   * a drill still running; one without the mark was not made by a drill). Logs one line for each.
   */
  public List<String> dropLeftovers(DatabaseTarget scratch, Duration age) {
    PgDatabase admin = pg.connect(scratch, () -> false);
    String marks =
        "SELECT datname || ' ' || coalesce(pg_catalog.shobj_description(oid, 'pg_database'), '')"
            + " FROM pg_catalog.pg_database WHERE datname LIKE 'nsb\\_drill\\_%'";
    Instant before = clock.instant().minus(age);
    List<String> dropped = new ArrayList<>();
    for (String line : admin.query(marks, Restorer.CATALOG_LIMIT).lines().toList()) {
      Matcher m = LEFTOVER.matcher(line.strip());
      if (m.matches() && createdBefore(m.group(2), before)) {
        String token = line.strip().substring(m.group(1).length() + 1 + MARK.length());
        String outcome = dropIfOurs(admin, m.group(1), token);
        LOG.warn(
            "scratch database '{}' was left by a drill that started at {} and was killed: {}",
            m.group(1),
            m.group(2),
            outcome.equals(DROPPED) ? "dropped" : outcome);
        if (outcome.equals(DROPPED)) {
          dropped.add(m.group(1));
        }
      }
    }
    return dropped;
  }

  private static boolean createdBefore(String created, Instant before) {
    try {
      return !Instant.parse(created).isAfter(before);
    } catch (DateTimeParseException e) {
      return false; // not a mark this version wrote: left alone
    }
  }

  /** Drops the scratch database only if it carries this drill's mark; says what became of it. */
  static String dropIfOurs(PgDatabase admin, String name, String token) {
    // No row: absent; otherwise "x" then the database's comment, if any.
    String mark =
        "SELECT 'x' || coalesce(pg_catalog.shobj_description(oid, 'pg_database'), '') FROM"
            + " pg_catalog.pg_database WHERE datname = "
            + Restorer.literal(name);
    try {
      String found = admin.query(mark, Restorer.CATALOG_LIMIT).trim();
      if (found.isEmpty()) {
        return DROPPED;
      }
      if (!found.equals("x" + MARK + token)) {
        return "the database '" + name + "' does not carry this drill's mark and was left alone";
      }
    } catch (RuntimeException e) {
      return "the scratch database '"
          + name
          + "' could not be checked or dropped: DROP DATABASE "
          + Restorer.ident(name);
    }
    String result = Restorer.drop(admin, name);
    return result.equals("the partial copy was dropped") ? DROPPED : result;
  }

  /** What the drill found so far; the record is made of it whatever ended the drill. */
  private static final class Facts {
    final PgDatabase admin;
    final String scratchName;
    String reason;
    int tables;
    long rows;
    Map<String, Long> expected;
    Map<String, Long> restored;
    final List<String> mismatches = new ArrayList<>();

    Facts(PgDatabase admin, String scratchName) {
      this.admin = admin;
      this.scratchName = scratchName;
    }

    DrillRecord record(BackupEntry entry, Instant started, Instant finished) {
      Manifest m = entry.manifest().orElseThrow();
      return new DrillRecord(
          DrillRecord.FORMAT_VERSION,
          entry.database(),
          entry.key(),
          started.toString(),
          finished.toString(),
          Duration.between(started, finished).toMillis(),
          reason == null ? DrillRecord.PASSED : DrillRecord.FAILED,
          reason,
          admin.target().url().hosts() + "/" + scratchName,
          m.serverVersion(),
          admin.serverVersion(),
          m.pgDumpVersion(),
          tables,
          rows,
          expected,
          restored,
          mismatches);
    }
  }
}
