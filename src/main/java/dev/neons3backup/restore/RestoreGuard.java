package dev.neons3backup.restore;

import dev.neons3backup.pg.PgRun;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Undoes a restore that cannot finish, also when the JVM is stopped by SIGINT or SIGTERM: a
 * shutdown hook kills psql (so its session ends without COMMIT and the server rolls back) and runs
 * the clean-up (dropping the database created for the restore). The step that makes a restore final
 * runs under the same lock, so the hook either stops it before it starts or leaves it done.
 */
final class RestoreGuard implements AutoCloseable {
  /** A step that may fail with an I/O error. */
  interface Step {
    void run() throws IOException;
  }

  private final Runnable cleanup;
  private final Supplier<String> stopped;
  private final Thread hook;
  private final Object cleaning = new Object();
  private boolean cleaned;
  private PgRun psql;
  private boolean cancelled;
  private boolean done;

  private RestoreGuard(Runnable cleanup, Supplier<String> stopped) {
    this.cleanup = cleanup;
    this.stopped = stopped;
    this.hook = new Thread(this::onShutdown, "restore-shutdown");
  }

  /**
   * Guards a restore; {@code cleanup} runs once if the restore fails or the JVM is stopped, and
   * when the JVM is stopped the one line {@code stopped} gives (what was left) goes to stderr.
   */
  static RestoreGuard install(Runnable cleanup, Supplier<String> stopped) {
    RestoreGuard guard = new RestoreGuard(cleanup, stopped);
    Runtime.getRuntime().addShutdownHook(guard.hook);
    return guard;
  }

  /** The psql to kill if the JVM is stopped before the restore is final. */
  synchronized void track(PgRun p) {
    psql = p;
    if (cancelled) {
      p.kill();
    }
  }

  /** Runs {@code step} unless the JVM is stopping; false when it did not run. */
  synchronized boolean proceed(Step step) throws IOException {
    if (cancelled) {
      return false;
    }
    step.run();
    return true;
  }

  /** Runs the step that makes the restore final; after it, nothing is undone. */
  synchronized boolean finish(Step step) throws IOException {
    if (cancelled) {
      return false;
    }
    step.run();
    done = true;
    return true;
  }

  /**
   * Undoes the restore: the restore failed. Runs the clean-up once, whoever asks first; a second
   * caller waits until it is over (the shutdown hook must not let the JVM halt halfway through).
   */
  void abort() {
    synchronized (this) {
      if (done) {
        return;
      }
    }
    synchronized (cleaning) {
      if (!cleaned) {
        cleaned = true;
        cleanup.run();
      }
    }
  }

  private void onShutdown() {
    PgRun p;
    synchronized (this) {
      if (done) {
        return;
      }
      cancelled = true;
      p = psql;
    }
    if (p != null) {
      try {
        p.kill();
        p.waitFor(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        // Dropping the database below ends its sessions anyway.
      }
    }
    abort();
    // The JVM is halting: no command returns to print the error, so the guard says it. Plain
    // stderr, as logging may already be shut down by its own hook.
    System.err.println(stopped.get());
    System.err.flush();
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already stopping: the hook runs (or ran) and does what is needed.
    }
  }
}
