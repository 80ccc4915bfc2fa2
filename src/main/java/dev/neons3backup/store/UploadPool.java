package dev.neons3backup.store;

import dev.neons3backup.concurrent.Threads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    return Executors.newCachedThreadPool(Threads.daemons("s3-upload"));
  }
}
