package dev.neons3backup.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that upload parts. Unbounded on purpose: each sink bounds its own parts in flight, so
 * the number of busy threads is (databases at once × parts in flight).
 */
public final class UploadPool {
  private static final ExecutorService SHARED = create();

  private UploadPool() {}

  public static ExecutorService shared() {
    return SHARED;
  }

  private static ExecutorService create() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "s3-upload-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
