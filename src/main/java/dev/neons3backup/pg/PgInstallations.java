package dev.neons3backup.pg;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The PostgreSQL client programs installed on this machine, found once: directories from {@code
 * PG_BIN_DIRS} first (they win at equal versions), then the standard Debian, Amazon Linux / RHEL
 * and source-build locations, then {@code /usr/bin}.
 */
public final class PgInstallations {
  private static final List<String> GLOBS =
      List.of(
          "/usr/lib/postgresql/*/bin",
          "/usr/pgsql-*/bin",
          "/usr/libexec/postgresql*",
          "/opt/pg*/bin",
          "/opt/postgresql*/bin",
          "/usr/local/pgsql/bin",
          "/usr/bin");

  private final List<PgBinary> installed;

  public PgInstallations(List<PgBinary> installed) {
    this.installed = List.copyOf(installed);
  }

  /**
   * Asks each candidate directory's pg_dump its version through {@code versionOf} (empty: not
   * usable); {@link PgClient} is what runs them.
   */
  static PgInstallations discover(
      List<Path> extraDirs, Function<Path, Optional<String>> versionOf) {
    Set<Path> dirs = new LinkedHashSet<>(extraDirs);
    for (String glob : GLOBS) {
      dirs.addAll(expand(glob));
    }
    List<PgBinary> found = new ArrayList<>();
    Set<Integer> majors = new HashSet<>();
    for (Path dir : dirs) {
      probe(dir, versionOf).filter(b -> majors.add(b.major())).ifPresent(found::add);
    }
    found.sort(Comparator.comparingInt(PgBinary::major));
    return new PgInstallations(found);
  }

  public List<PgBinary> all() {
    return installed;
  }

  /**
   * The pg_dump for a server: the same major version when installed, else the newest newer one (a
   * newer pg_dump reads older servers; an older one refuses newer servers).
   */
  PgBinary forServer(String database, int serverMajor) {
    Optional<PgBinary> same = installed.stream().filter(b -> b.major() == serverMajor).findFirst();
    if (same.isPresent()) {
      return same.get();
    }
    return installed.stream()
        .filter(b -> b.major() > serverMajor)
        .max(Comparator.comparingInt(PgBinary::major))
        .orElseThrow(
            () ->
                new BackupException(
                    ErrorCode.DATABASE,
                    "database '"
                        + database
                        + "': the server runs PostgreSQL "
                        + serverMajor
                        + " but the newest pg_dump installed is "
                        + describeNewest()
                        + "; install the PostgreSQL "
                        + serverMajor
                        + " client (pg_dump "
                        + serverMajor
                        + " or newer) or add its bin directory to PG_BIN_DIRS."));
  }

  /** Any client, the newest: used to ask a server its version before choosing pg_dump. */
  PgBinary newest() {
    if (installed.isEmpty()) {
      throw new BackupException(
          ErrorCode.CONFIG,
          "no PostgreSQL client programs (pg_dump, psql) were found; install the postgresql"
              + " client package or set PG_BIN_DIRS to the directory that holds them.");
    }
    return installed.get(installed.size() - 1);
  }

  private String describeNewest() {
    return installed.isEmpty() ? "none" : "version " + newest().major();
  }

  private static List<Path> expand(String glob) {
    int star = glob.indexOf('*');
    if (star < 0) {
      return List.of(Path.of(glob));
    }
    Path parent = Path.of(glob.substring(0, glob.lastIndexOf('/', star)));
    String pattern = glob.substring(parent.toString().length() + 1);
    String first = pattern.contains("/") ? pattern.substring(0, pattern.indexOf('/')) : pattern;
    String rest = pattern.contains("/") ? pattern.substring(pattern.indexOf('/') + 1) : "";
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(parent)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, first)) {
      for (Path p : ds) {
        out.add(rest.isEmpty() ? p : p.resolve(rest));
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static Optional<PgBinary> probe(Path dir, Function<Path, Optional<String>> versionOf) {
    Path pgDump = dir.resolve("pg_dump");
    if (!Files.isExecutable(pgDump) || !Files.isExecutable(dir.resolve("psql"))) {
      return Optional.empty();
    }
    return versionOf.apply(pgDump).flatMap(output -> PgVersions.client(dir, output));
  }
}
