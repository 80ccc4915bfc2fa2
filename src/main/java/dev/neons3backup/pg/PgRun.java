package dev.neons3backup.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running PostgreSQL client program, started by {@link PgClient}: its stderr is drained from
 * the start and its tail kept for the error; what it reports is scrubbed of the password. The
 * caller reads its stdout (pg_dump) or writes its stdin (psql), and it never outlives {@link
 * #close()}.
 */
public final class PgRun implements AutoCloseable {
  /** How long the output of a program that exited gets to end (a grandchild may hold it). */
  static final Duration OUTPUT_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final StderrTail stderr;
  private final ExecutorService readers;
  private final String database;
  private final String secret;

  private PgRun(
      Process process,
      Consumer<String> log,
      ExecutorService readers,
      String database,
      String secret) {
    this.process = process;
    this.readers = readers;
    this.database = database;
    this.secret = secret;
    this.stderr = StderrTail.start(process, line -> log.accept(scrub(line)), readers);
  }

  /**
   * Starts {@code pb}; {@code log} gets each stderr line, scrubbed of {@code secret}, and {@code
   * database} names the run in its failure.
   */
  static PgRun start(
      ProcessBuilder pb,
      Consumer<String> log,
      ExecutorService readers,
      String database,
      String secret)
      throws IOException {
    return new PgRun(pb.start(), log, readers, database, secret);
  }

  /** What the program writes, for the caller to read (pg_dump's dump). */
  public InputStream stdout() {
    return process.getInputStream();
  }

  /** What the program reads, for the caller to write and close (psql's SQL). */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Closes stdin: the program reads nothing, and must not wait for input. */
  void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Its stdin is gone either way.
    }
  }

  /** Writes {@code input} to stdin and closes it, on a reader thread so no wait depends on it. */
  void feed(byte[] input) {
    CompletableFuture.runAsync(
        () -> {
          try (OutputStream in = process.getOutputStream()) {
            in.write(input);
          } catch (IOException e) {
            // The program ended before reading everything: its exit code and stderr say why.
          }
        },
        readers);
  }

  /** Reads all of stdout on a reader thread. */
  CompletableFuture<String> readStdout() {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = process.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        readers);
  }

  /** Reads and discards stdout on a reader thread (psql loading a dump echoes nothing useful). */
  public void discardStdout() {
    CompletableFuture.runAsync(
        () -> {
          try (InputStream in = process.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
          } catch (IOException e) {
            // The program is gone.
          }
        },
        readers);
  }

  /**
   * Waits for the exit, however long the program works (pg_dump dumping, psql building indexes).
   */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * Waits at most {@code limit} for the exit; a program still running then is killed, with whatever
   * it started, and the result is empty.
   */
  public OptionalInt waitFor(Duration limit) throws InterruptedException {
    if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    kill();
    return OptionalInt.empty();
  }

  /**
   * Kills the program and whatever it started, children first: a wrapper script's pipeline would
   * otherwise keep the output pipe open and its reader waiting.
   */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** The last lines of stderr, joined by " | ", without the password. */
  public String stderrTail() {
    return scrub(stderr.text());
  }

  /** The failure as one line for the user: "database 'x': what went wrong — what to do". */
  public String failure() {
    return Failures.describe(database, stderr.text(), secret);
  }

  private String scrub(String text) {
    return Failures.scrub(text, secret);
  }

  /** Kills the program if it still runs: a run never outlives its caller. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
