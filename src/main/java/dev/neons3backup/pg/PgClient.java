package dev.neons3backup.pg;

import dev.neons3backup.config.ConnectionUrl;
import dev.neons3backup.config.DatabaseTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one way this program runs the PostgreSQL client programs. It owns their argv (explicit,
 * {@code --no-password}, never a password), their environment ({@link PgEnvironment}: the password
 * only there), their stderr (drained, tail kept, scrubbed), and bounded waits that kill a program
 * with whatever it started. It offers three kinds of runs: version probes ({@code pg_dump
 * --version}), queries (SQL on stdin, output read back), and piped runs (pg_dump's stdout read by
 * the caller, psql's stdin written by the caller).
 *
 * <p>{@link #connect} is the one place that asks a server its version and then picks the client
 * programs for it. Every reader thread comes from {@code readers}, owned (and shut down) by whoever
 * made this client.
 */
public final class PgClient {
  private static final Logger LOG = LogManager.getLogger(PgClient.class);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> QUERY_OPTIONS = List.of("--no-align", "--tuples-only");

  /**
   * How hard {@link #connect} tries: a Neon compute that is suspended needs a few seconds to wake.
   *
   * @param tryTimeout one try's bound; psql's own connect timeout normally ends it long before
   */
  public record Retry(int attempts, Duration backoff, Duration tryTimeout) {
    public Retry(int attempts, Duration backoff) {
      this(attempts, backoff, Duration.ofSeconds(120));
    }
  }

  /** How a short run ended; {@code exit} is empty when it outlived its limit and was killed. */
  record Outcome(OptionalInt exit, String stdout, PgRun run) {}

  private final PgInstallations installed;
  private final ExecutorService readers;
  private final ConnectionProbe probe;

  /** Finds the installed client programs ({@code binDirs} first) by asking each its version. */
  public PgClient(List<Path> binDirs, ExecutorService readers, Retry retry) {
    this(PgInstallations.discover(binDirs, program -> version(program, readers)), readers, retry);
  }

  public PgClient(PgInstallations installed, ExecutorService readers, Retry retry) {
    this.installed = installed;
    this.readers = readers;
    this.probe = new ConnectionProbe(retry);
  }

  public PgInstallations installations() {
    return installed;
  }

  /**
   * Asks the server its version (retrying while the failure looks transient; {@code stop} is asked
   * before every retry), then picks the client programs for that version.
   */
  public PgDatabase connect(DatabaseTarget target, BooleanSupplier stop) {
    int versionNum = probe.serverVersionNum(this, target, installed.newest(), stop);
    PgBinary programs = installed.forServer(target.name(), versionNum / 10_000);
    return new PgDatabase(this, target, versionNum, programs);
  }

  /** {@code pg_dump}: options, then no password prompt and the URL without its password. */
  static List<String> pgDumpArgv(PgBinary bin, ConnectionUrl url, List<String> options) {
    List<String> argv = new ArrayList<>();
    argv.add(bin.pgDump().toString());
    argv.addAll(options);
    argv.add("--no-password");
    argv.add("--dbname");
    argv.add(url.withoutPassword());
    return argv;
  }

  /** {@code psql} reading SQL from stdin, stopping at the first error. */
  static List<String> psqlArgv(PgBinary bin, ConnectionUrl url, List<String> options) {
    List<String> argv = new ArrayList<>();
    argv.add(bin.psql().toString());
    argv.add("--no-psqlrc");
    argv.add("--no-password");
    argv.add("--quiet");
    argv.add("--set=ON_ERROR_STOP=1");
    argv.addAll(options);
    argv.add("--dbname");
    argv.add(url.withoutPassword());
    return argv;
  }

  /** Runs {@code sql} through psql, unaligned and tuples only; {@link Duration#ZERO}: no limit. */
  Outcome query(PgBinary bin, DatabaseTarget target, String sql, Duration limit)
      throws IOException, InterruptedException {
    PgRun run = start(psqlArgv(bin, target.url(), QUERY_OPTIONS), target, line -> {});
    // On stdin, never in argv: the row-count check of 5,000 tables is ~300 KB.
    run.feed(sql.getBytes(StandardCharsets.UTF_8));
    return finish(run, limit);
  }

  /** Starts pg_dump; the caller reads its stdout and waits for it. */
  PgRun dump(PgBinary bin, DatabaseTarget target, List<String> options, Consumer<String> log)
      throws IOException {
    PgRun run = start(pgDumpArgv(bin, target.url(), options), target, log);
    run.closeStdin();
    return run;
  }

  /** Starts psql; the caller writes SQL to its stdin, closes it and waits for it. */
  PgRun load(PgBinary bin, DatabaseTarget target, List<String> options) throws IOException {
    return start(psqlArgv(bin, target.url(), options), target, line -> {});
  }

  private PgRun start(List<String> argv, DatabaseTarget target, Consumer<String> log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    PgEnvironment.apply(pb, target.url());
    return PgRun.start(pb, log, readers, target.name(), target.url().password());
  }

  /**
   * What {@code program --version} printed; empty when it failed or did not answer in time (a hung
   * program is killed with whatever it started, and its directory skipped).
   */
  private static Optional<String> version(Path program, ExecutorService readers) {
    try {
      ProcessBuilder pb = new ProcessBuilder(program.toString(), "--version");
      PgRun run = PgRun.start(pb, line -> {}, readers, program.toString(), "");
      run.closeStdin();
      Outcome done = finish(run, VERSION_TIMEOUT);
      if (done.exit().isEmpty()) {
        LOG.warn(
            "{} --version did not answer within {} s; that directory is skipped",
            program,
            VERSION_TIMEOUT.toSeconds());
        return Optional.empty();
      }
      return done.exit().getAsInt() == 0 ? Optional.of(done.stdout()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Waits at most {@code limit} for a short run while its stdout is read on a reader thread (so the
   * bound holds even when it never closes its output); the run never outlives this call.
   */
  private static Outcome finish(PgRun run, Duration limit) throws InterruptedException {
    CompletableFuture<String> out = run.readStdout();
    try (run) {
      OptionalInt exit = limit.isZero() ? OptionalInt.of(run.waitFor()) : run.waitFor(limit);
      if (exit.isEmpty()) {
        return new Outcome(exit, "", run);
      }
      // A grandchild may still hold the pipe: bounded too.
      String text = out.get(PgRun.OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      return new Outcome(exit, text, run);
    } catch (ExecutionException | TimeoutException e) {
      run.kill();
      return new Outcome(OptionalInt.empty(), "", run);
    }
  }
}
