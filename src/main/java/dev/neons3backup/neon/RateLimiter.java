package dev.neons3backup.neon;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps this client under Neon's documented API rate limit: 700 requests per minute per account,
 * with bursts of up to 40 requests per second per route (https://api-docs.neon.tech/reference/
 * api-rate-limiting). Both are sliding windows here, the strictest reading of "per minute": no
 * window of 60 s holds more than {@code perMinute} requests, no second more than {@code
 * perRouteSecond} of one route. The defaults leave a small margin below Neon's figures because the
 * server's clock starts counting when a request arrives, a little after this one counted it.
 */
final class RateLimiter {
  static final int NEON_PER_MINUTE = 700;
  static final int NEON_PER_ROUTE_SECOND = 40;

  private final int perMinute;
  private final int perRouteSecond;
  private final LongSupplier nanoClock;
  private final ArrayDeque<Long> account = new ArrayDeque<>();
  private final Map<String, ArrayDeque<Long>> routes = new HashMap<>();

  RateLimiter(int perMinute, int perRouteSecond, LongSupplier nanoClock) {
    this.perMinute = perMinute;
    this.perRouteSecond = perRouteSecond;
    this.nanoClock = nanoClock;
  }

  /** Neon's limits less a margin of about 2 % and 5 %. */
  static RateLimiter forNeon() {
    return new RateLimiter(NEON_PER_MINUTE - 14, NEON_PER_ROUTE_SECOND - 2, System::nanoTime);
  }

  /** Blocks until one more request on {@code route} fits both windows, then counts it. */
  void acquire(String route) throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        wait = waitNanos(route, nanoClock.getAsLong());
        if (wait <= 0) {
          long now = nanoClock.getAsLong();
          account.addLast(now);
          routes.computeIfAbsent(route, r -> new ArrayDeque<>()).addLast(now);
          return;
        }
      }
      Thread.sleep(Math.max(1, wait / 1_000_000), 0);
    }
  }

  /** How long until a request on {@code route} would fit; zero or less when it fits now. */
  synchronized long waitNanos(String route, long now) {
    long minute = Duration.ofMinutes(1).toNanos();
    long second = Duration.ofSeconds(1).toNanos();
    ArrayDeque<Long> perRoute = routes.computeIfAbsent(route, r -> new ArrayDeque<>());
    expire(account, now - minute);
    expire(perRoute, now - second);
    long wait = 0;
    if (account.size() >= perMinute) {
      wait = account.peekFirst() + minute - now;
    }
    if (perRoute.size() >= perRouteSecond) {
      wait = Math.max(wait, perRoute.peekFirst() + second - now);
    }
    return wait;
  }

  /** Counts a request at {@code now} without waiting: for tests of the windows. */
  synchronized void record(String route, long now) {
    account.addLast(now);
    routes.computeIfAbsent(route, r -> new ArrayDeque<>()).addLast(now);
  }

  private static void expire(ArrayDeque<Long> window, long oldestKept) {
    while (!window.isEmpty() && window.peekFirst() <= oldestKept) {
      window.removeFirst();
    }
  }
}
