package dev.neons3backup.pg;

import java.nio.file.Path;

/** One installed PostgreSQL client directory: where its programs are and their major version. */
public record PgBinary(Path binDir, int major, String version) {
  public Path pgDump() {
    return binDir.resolve("pg_dump");
  }

  public Path psql() {
    return binDir.resolve("psql");
  }
}
