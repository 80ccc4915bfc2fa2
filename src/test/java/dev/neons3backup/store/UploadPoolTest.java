package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UploadPoolTest {
  /**
   * A generous bound for work that is about to end, never a measure of speed; under the minute an
   * idle pool thread lives on its own, so a close that did nothing fails.
   */
  private static final long BOUND_SECONDS = 30;

  @Test
  void closingEndsTheThreadsOfBothPools() throws Exception {
    UploadPool pools = new UploadPool();
    Thread upload = threadOf(pools.parts());
    Thread abort = threadOf(pools.aborts());
    assertThat(upload.getName()).startsWith("s3-upload-");
    assertThat(abort.getName()).startsWith("s3-abort-");

    pools.close();

    for (Thread t : List.of(upload, abort)) {
      t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    }
    assertThat(upload.isAlive()).isFalse();
    assertThat(abort.isAlive()).isFalse();
    assertThatThrownBy(() -> pools.parts().execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void anAbortStillRunningAtCloseIsLetFinish() throws Exception {
    UploadPool pools = new UploadPool();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    pools
        .aborts()
        .execute(
            () -> {
              started.countDown();
              try {
                release.await();
                finished.set(true);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(started.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
    Thread closing = new Thread(pools::close, "closing");
    closing.start();
    // Released only once close() is waiting for the pool, so the abort ends during close.
    while (closing.getState() != Thread.State.TIMED_WAITING && closing.isAlive()) {
      Thread.onSpinWait();
    }
    release.countDown();
    closing.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));

    assertThat(finished).as("the abort ran to its end, not interrupted").isTrue();
  }

  private static Thread threadOf(Executor pool) throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    pool.execute(() -> thread.complete(Thread.currentThread()));
    return thread.get(BOUND_SECONDS, TimeUnit.SECONDS);
  }
}
