package dev.neons3backup.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded polling. Every wait in the harness ends by itself and then fails with a message naming
 * what it waited for; nothing here ever skips a test.
 */
public final class Waits {
  private static final Duration POLL = Duration.ofMillis(50);

  private Waits() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  /** Polls until {@code probe} returns a value; exceptions from the probe count as "not yet". */
  public static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        Optional<T> value = probe.get();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
