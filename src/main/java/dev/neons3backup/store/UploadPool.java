package dev.neons3backup.store;

import dev.neons3backup.concurrent.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one S3 store: those that upload parts and those that abort uploads in the
 * background. Unbounded on purpose: each sink bounds its own parts in flight, so the number of busy
 * upload threads is (databases at once × parts in flight). Closed with the store that made it.
 */
final class UploadPool implements AutoCloseable {
  /**
   * How long {@link #close} waits for work still running: an abort left behind by a sink that
   * stopped waiting for it is what keeps an upload from lingering until the lifecycle rule.
   */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

  private final ExecutorService parts = Executors.newCachedThreadPool(Threads.daemons("s3-upload"));
  private final ExecutorService aborts = Executors.newCachedThreadPool(Threads.daemons("s3-abort"));

  Executor parts() {
    return parts;
  }

  Executor aborts() {
    return aborts;
  }

  /** Lets running work end, for a bounded time, then interrupts what is left. */
  @Override
  public void close() {
    List<ExecutorService> pools = List.of(parts, aborts);
    pools.forEach(ExecutorService::shutdown);
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    try {
      for (ExecutorService pool : pools) {
        pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pools.forEach(ExecutorService::shutdownNow);
    }
  }
}
