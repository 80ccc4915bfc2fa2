package dev.neons3backup.fleet;

import dev.neons3backup.concurrent.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One store call per database, a few at a time: thousands of databases are thousands of listings,
 * each a round trip, which one after another would take most of a Lambda run.
 */
final class Parallel {
  static final int THREADS = 16;

  @FunctionalInterface
  interface Call<T, R> {
    R apply(T value) throws IOException;
  }

  private Parallel() {}

  /** {@code call} applied to each value, results in the values' order. */
  static <T, R> List<R> map(List<T> values, Call<T, R> call) {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, Threads.daemons("fleet"));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T v : values) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return call.apply(v);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        out.add(Threads.await(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
