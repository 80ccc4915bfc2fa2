package dev.neons3backup.dump;

import dev.neons3backup.config.ConnectionUrl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts PostgreSQL client programs with an explicit argv; the password only in the environment.
 */
public final class PgProcesses {
  private PgProcesses() {}

  /** Starts {@code pg_dump} writing to its stdout; stdin is closed. */
  public static Process pgDump(PgBinary bin, ConnectionUrl url, List<String> options)
      throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(bin.pgDump().toString());
    argv.addAll(options);
    argv.add("--no-password");
    argv.add("--dbname");
    argv.add(url.withoutPassword());
    ProcessBuilder pb = new ProcessBuilder(argv);
    PgEnvironment.apply(pb, url);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  /** Starts {@code psql} reading SQL from its stdin, stopping at the first error. */
  public static Process psql(PgBinary bin, ConnectionUrl url, List<String> options)
      throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(bin.psql().toString());
    argv.add("--no-psqlrc");
    argv.add("--no-password");
    argv.add("--quiet");
    argv.add("--set=ON_ERROR_STOP=1");
    argv.addAll(options);
    argv.add("--dbname");
    argv.add(url.withoutPassword());
    ProcessBuilder pb = new ProcessBuilder(argv);
    PgEnvironment.apply(pb, url);
    return pb.start();
  }
}
