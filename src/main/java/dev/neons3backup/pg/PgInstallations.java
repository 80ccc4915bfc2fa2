package dev.neons3backup.pg;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The PostgreSQL client programs installed on this machine, found once: directories from {@code
 * PG_BIN_DIRS} first (they win at equal versions), then the standard Debian, Amazon Linux / RHEL
 * and source-build locations, then {@code /usr/bin}.
 */
public final class PgInstallations {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
  private static final List<String> GLOBS =
      List.of(
          "/usr/lib/postgresql/*/bin",
          "/usr/pgsql-*/bin",
          "/usr/libexec/postgresql*",
          "/opt/pg*/bin",
          "/opt/postgresql*/bin",
          "/usr/local/pgsql/bin",
          "/usr/bin");

  private static final Logger LOG = LogManager.getLogger(PgInstallations.class);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

  private final List<PgBinary> installed;

  public PgInstallations(List<PgBinary> installed) {
    this.installed = List.copyOf(installed);
  }

  public static PgInstallations discover(List<Path> extraDirs) {
    Set<Path> dirs = new LinkedHashSet<>(extraDirs);
    for (String glob : GLOBS) {
      dirs.addAll(expand(glob));
    }
    List<PgBinary> found = new ArrayList<>();
    Set<Integer> majors = new HashSet<>();
    for (Path dir : dirs) {
      probe(dir).filter(b -> majors.add(b.major())).ifPresent(found::add);
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
  public PgBinary forServer(String database, int serverMajor) {
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
  public PgBinary newest() {
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

  private static Optional<PgBinary> probe(Path dir) {
    Path pgDump = dir.resolve("pg_dump");
    if (!Files.isExecutable(pgDump) || !Files.isExecutable(dir.resolve("psql"))) {
      return Optional.empty();
    }
    try {
      Process p =
          new ProcessBuilder(pgDump.toString(), "--version").redirectErrorStream(true).start();
      PgProcesses.closeInput(p);
      Optional<PgProcesses.Finished> done = PgProcesses.finish(p, VERSION_TIMEOUT);
      if (done.isEmpty()) {
        LOG.warn(
            "{} --version did not answer within {} s; that directory is skipped",
            pgDump,
            VERSION_TIMEOUT.toSeconds());
        return Optional.empty();
      }
      if (done.get().exit() != 0) {
        return Optional.empty();
      }
      Matcher m = VERSION.matcher(done.get().stdout());
      if (!m.find()) {
        return Optional.empty();
      }
      int major = Integer.parseInt(m.group(1));
      if (major < 10) {
        return Optional.empty();
      }
      String version = m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
      return Optional.of(new PgBinary(dir, major, version));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
