package dev.neons3backup.concurrent;

import dev.neons3backup.BackupException;
import dev.neons3backup.ErrorCode;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way this program makes threads and waits for them. Every thread is a daemon: a run that
 * is over (or a JVM told to stop) is never held up by a helper thread still draining a pipe.
 */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code name-1}, {@code name-2}, … */
  public static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts {@code work} on a daemon thread called {@code name}. */
  public static Thread start(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The future's value; its failure as a BackupException (I/O failures as storage errors). */
  public static <T> T await(Future<T> f) {
    try {
      return await(f, Long.MAX_VALUE);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As {@link #await(Future)}, waiting at most {@code millis}. */
  public static <T> T await(Future<T> f, long millis) throws TimeoutException {
    try {
      return f.get(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.INTERNAL, "interrupted while waiting for backups");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BackupException be) {
        throw be;
      }
      if (e.getCause() instanceof UncheckedIOException io) {
        throw new BackupException(ErrorCode.STORAGE, io.getCause().getMessage(), io);
      }
      throw new BackupException(ErrorCode.INTERNAL, "unexpected error: " + e.getCause(), e);
    }
  }
}
