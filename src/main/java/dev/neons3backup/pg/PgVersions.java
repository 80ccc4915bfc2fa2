package dev.neons3backup.pg;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL versions as the programs and the server state them: {@code pg_dump --version}, {@code
 * server_version_num}, and the header comments a plain-format dump starts with.
 */
public final class PgVersions {
  private PgVersions() {}

  /** The dump's header comments all lie within its first bytes; this many is plenty. */
  public static final int DUMP_HEADER_BYTES = 16 * 1024;

  static final String DUMPED_FROM = "-- Dumped from database version ";
  static final String DUMPED_BY = "-- Dumped by pg_dump version ";

  private static final Pattern CLIENT = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

  /** {@code server_version_num} as people write it: 150014 → "15.14"; before 10, as given. */
  public static String server(int versionNum) {
    return versionNum >= 100_000
        ? (versionNum / 10_000) + "." + (versionNum % 10_000)
        : Integer.toString(versionNum);
  }

  /** The server version a dump's header names ("16.4"), or "unknown". */
  public static String dumpedFrom(String header) {
    return headerVersion(header, DUMPED_FROM);
  }

  /** The pg_dump version a dump's header names ("17.2"), or "unknown". */
  public static String dumpedBy(String header) {
    return headerVersion(header, DUMPED_BY);
  }

  /**
   * The client programs in {@code binDir} as {@code pg_dump --version} printed them; empty for
   * output that names no version, or a version older than 10 (not supported).
   */
  static Optional<PgBinary> client(Path binDir, String versionOutput) {
    Matcher m = CLIENT.matcher(versionOutput);
    if (!m.find()) {
      return Optional.empty();
    }
    int major = Integer.parseInt(m.group(1));
    if (major < 10) {
      return Optional.empty();
    }
    String version = m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
    return Optional.of(new PgBinary(binDir, major, version));
  }

  /** The version word after {@code prefix} in the dump's header, e.g. "15.14". */
  private static String headerVersion(String header, String prefix) {
    for (String line : header.split("\n")) {
      if (line.startsWith(prefix)) {
        String rest = line.substring(prefix.length()).strip();
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
      }
    }
    return "unknown";
  }
}
