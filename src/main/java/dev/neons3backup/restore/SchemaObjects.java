package dev.neons3backup.restore;

import dev.neons3backup.pg.PgDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema objects a drill compares, by kind: counted from pg_dump's object headers as the dump
 * streams past, and from the restored database's catalog. Both sides count what pg_dump writes as
 * an object of its own: constraints are primary keys, unique, exclusion and foreign keys (checks
 * and NOT NULL travel inside CREATE TABLE); indexes are those not made by a constraint; partitions'
 * cloned foreign keys and triggers (but for a trigger enabled or disabled apart from its parent's),
 * array types, extension members (and the keys, indexes and triggers of an extension's tables) and
 * system schemas are left out.
 */
final class SchemaObjects {
  static final List<String> KINDS =
      List.of(
          "tables",
          "views",
          "materializedViews",
          "sequences",
          "functions",
          "indexes",
          "constraints",
          "triggers",
          "types");

  private static final Map<String, String> DUMP_TYPES =
      Map.ofEntries(
          Map.entry("TABLE", "tables"),
          Map.entry("FOREIGN TABLE", "tables"),
          Map.entry("VIEW", "views"),
          Map.entry("MATERIALIZED VIEW", "materializedViews"),
          Map.entry("SEQUENCE", "sequences"),
          Map.entry("FUNCTION", "functions"),
          Map.entry("PROCEDURE", "functions"),
          Map.entry("INDEX", "indexes"),
          Map.entry("CONSTRAINT", "constraints"),
          Map.entry("FK CONSTRAINT", "constraints"),
          Map.entry("TRIGGER", "triggers"),
          Map.entry("TYPE", "types"),
          Map.entry("DOMAIN", "types"));

  private static final String USER_NS =
      " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
          + " AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

  private SchemaObjects() {}

  /** The kinds counted from pg_dump's types ({@link dev.neons3backup.pg.DumpScanner}). */
  static Map<String, Long> fromDump(Map<String, Long> dumpTypes) {
    Map<String, Long> kinds = zero();
    dumpTypes.forEach(
        (type, n) -> {
          String kind = DUMP_TYPES.get(type);
          if (kind != null) {
            kinds.merge(kind, n, Long::sum);
          }
        });
    return kinds;
  }

  /** The kinds counted in {@code db}'s catalog, in one psql run. */
  static Map<String, Long> inCatalog(PgDatabase db) {
    String out = db.query(catalogQuery(db.serverVersionNum()), Duration.ofMinutes(5));
    Map<String, Long> kinds = zero();
    for (String line : out.split("\n")) {
      int bar = line.indexOf('|');
      if (bar > 0) {
        kinds.put(line.substring(0, bar), Long.parseLong(line.substring(bar + 1).trim()));
      }
    }
    return kinds;
  }

  /** One line per kind whose counts differ, e.g. {@code indexes: dump 3, restored 2}. */
  static List<String> differences(Map<String, Long> dump, Map<String, Long> restored) {
    List<String> lines = new ArrayList<>();
    for (String kind : KINDS) {
      long d = dump.getOrDefault(kind, 0L);
      long r = restored.getOrDefault(kind, 0L);
      if (d != r) {
        lines.add(kind + ": dump " + d + ", restored " + r);
      }
    }
    return lines;
  }

  private static Map<String, Long> zero() {
    Map<String, Long> kinds = new LinkedHashMap<>();
    KINDS.forEach(k -> kinds.put(k, 0L));
    return kinds;
  }

  /** No row for a member of an extension: pg_dump leaves those to CREATE EXTENSION. */
  private static String notMember(String catalog, String oid) {
    return " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '"
        + catalog
        + "'::regclass AND d.objid = "
        + oid
        + " AND d.deptype = 'e')";
  }

  /**
   * No row for an object of a table that is a member of an extension (PostGIS's {@code
   * spatial_ref_sys} and its key): pg_dump dumps at most such a table's data, never its keys,
   * indexes or triggers, which the extension's script creates.
   */
  private static String notOnMember(String table) {
    return " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid ="
        + " 'pg_class'::regclass AND d.objid = "
        + table
        + " AND d.deptype = 'e')";
  }

  private static String relations(String kind, String relkinds) {
    return "SELECT '"
        + kind
        + "', count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid ="
        + " c.relnamespace WHERE c.relkind IN ("
        + relkinds
        + ") AND"
        + USER_NS
        + notMember("pg_class", "c.oid");
  }

  static String catalogQuery(int serverVersionNum) {
    // A partition's clone of its parent's trigger comes with the parent's, unless it was enabled or
    // disabled apart from it: pg_dump then writes it as a TRIGGER of its own (an ALTER TABLE …
    // ENABLE
    // or DISABLE TRIGGER), and the restored clone keeps that state.
    String triggerParent =
        serverVersionNum >= 130_000
            ? " AND (t.tgparentid = 0 OR t.tgenabled <> (SELECT u.tgenabled FROM"
                + " pg_catalog.pg_trigger u WHERE u.oid = t.tgparentid))"
            : "";
    List<String> parts =
        List.of(
            relations("tables", "'r', 'p', 'f'"),
            relations("views", "'v'"),
            relations("materializedViews", "'m'"),
            relations("sequences", "'S'"),
            "SELECT 'functions', count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p', 'w') AND"
                + USER_NS
                + notMember("pg_proc", "p.oid")
                // A range type's constructors (and its multirange's) come with CREATE TYPE.
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid ="
                + " 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')",
            relations("indexes", "'i', 'I'")
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid ="
                + " c.oid AND k.contype IN ('p', 'u', 'x'))"
                + notOnMember(
                    "(SELECT x.indrelid FROM pg_catalog.pg_index x WHERE x.indexrelid = c.oid)"),
            "SELECT 'constraints', count(*) FROM pg_catalog.pg_constraint k JOIN"
                + " pg_catalog.pg_namespace n ON n.oid = k.connamespace WHERE k.conrelid <> 0 AND"
                + " (k.contype IN ('p', 'u', 'x') OR k.contype = 'f' AND k.conparentid = 0) AND"
                + USER_NS
                + notOnMember("k.conrelid"),
            "SELECT 'triggers', count(*) FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c"
                + " ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE NOT t.tgisinternal"
                + triggerParent
                + " AND"
                + USER_NS
                + notOnMember("t.tgrelid"),
            "SELECT 'types', count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON"
                + " n.oid = t.typnamespace LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
                + " WHERE (t.typtype IN ('e', 'r', 'b', 'd') OR t.typtype = 'c' AND c.relkind ="
                + " 'c') AND"
                // An array type comes with its element type; a base type declared with an ELEMENT
                // (a fixed-length array such as point) is a type of its own.
                + " NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) AND"
                + USER_NS
                + notMember("pg_type", "t.oid"));
    return String.join(" UNION ALL ", parts) + ";";
  }
}
