package dev.neons3backup.pg;

import dev.neons3backup.concurrent.Threads;
import dev.neons3backup.config.ConnectionUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /**
   * Kills a client program and whatever it started, children first: a wrapper script's pipeline
   * would otherwise keep the output pipe open and its reader waiting.
   */
  public static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** The program reads nothing; failing to close its input must not leave it running unwatched. */
  public static void closeInput(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // Its stdin is gone either way.
    }
  }

  /** What a short-lived program printed on stdout, and how it exited. */
  public record Finished(int exit, String stdout) {}

  /**
   * Waits at most {@code timeout} for a short-lived program while its stdout is read on another
   * thread (so the bound holds even when the program never closes its output), and kills it — with
   * whatever it started — unless it finished; empty when it did not finish in time.
   */
  public static Optional<Finished> finish(Process p, Duration timeout) throws InterruptedException {
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), READERS);
    boolean finished = false;
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      // A grandchild may still hold the pipe: bounded too.
      String text = out.get(5, TimeUnit.SECONDS);
      finished = true;
      return Optional.of(new Finished(p.exitValue(), text));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } finally {
      if (!finished) {
        kill(p);
      }
    }
  }

  private static String readAll(Process p) {
    try (InputStream in = p.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(Threads.daemons("pg-output"));
}
