package dev.neons3backup.neon;

import dev.neons3backup.testing.NeonApiEmulator;
import dev.neons3backup.testing.NeonApiEmulator.KeyKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Discovery of PROJECTS projects × 2 databases against the Neon API emulator (in this package to
 * reach the client's package-private limiter). Two variants in the same run: the floor (no rate
 * limit on either side: what the work itself costs) and the real thing (the emulator enforces
 * 700/min and 40/s per route, the client keeps under them). Prints wall time, calls, calls per
 * database, 429s, and ratios. Never fails on a timing. See bench/README.md, "Neon discovery".
 */
public final class NeonDiscoveryBench {
  private static final String KEY = "napi_bench_key";

  public static void main(String[] args) {
    int projects = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Duration latency = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 20);
    Result floor = run(projects, latency, false);
    Result real = run(projects, latency, true);
    long naive = naiveCalls(projects);
    System.out.printf("Neon discovery: %d projects x 2 databases, %d ms per request%n", projects, latency.toMillis());
    System.out.printf("| variant | wall s | API calls | calls/db | 429s |%n|---|---|---|---|---|%n");
    floor.print("floor (no rate limit)");
    real.print("rate limit enforced (700/min, 40/s/route)");
    System.out.printf("%nwall, enforced / floor: %.1fx; target < 300 s: %s%n",
        real.seconds / Math.max(floor.seconds, 0.001), real.seconds < 300 ? "met" : "MISSED");
    System.out.printf("calls per database: %.2f (target <= 3: %s); one URI per database would make %d (%.2f/db), ratio %.2f%n",
        real.perDb(), real.perDb() <= 3 ? "met" : "MISSED", naive, naive / (2.0 * projects), real.calls / (double) naive);
    System.out.printf("floor of the rate limit alone for %d calls at 700/min: %.0f s%n", real.calls, real.calls / 700.0 * 60);
  }

  private record Result(double seconds, long calls, long databases, long throttled) {
    double perDb() {
      return calls / (double) databases;
    }

    void print(String name) {
      System.out.printf("| %s | %.1f | %d | %.2f | %d |%n", name, seconds, calls, perDb(), throttled);
    }
  }

  private static Result run(int projects, Duration latency, boolean limited) {
    try (NeonApiEmulator neon = new NeonApiEmulator("127.0.0.1", 5)) {
      neon.org("org-bench", "Bench");
      neon.key(KEY, KeyKind.ORGANIZATION, Set.of("org-bench"), null);
      neon.role("neondb_owner", "bench-pw");
      for (int i = 0; i < projects; i++) {
        neon.project("org-bench", "bench-project-" + i, "Bench " + i, 16)
            .branch("br-bench-" + i, "main", true, 30_000_000)
            .database("neondb", "neondb_owner")
            .database("analytics", "neondb_owner");
      }
      neon.latency = latency;
      if (!limited) {
        neon.perMinute = 0;
        neon.perRouteSecond = 0;
      }
      NeonConfig config =
          new NeonConfig(java.net.URI.create(neon.url()), KEY, java.util.Optional.empty());
      RateLimiter limiter =
          limited ? RateLimiter.forNeon() : new RateLimiter(Integer.MAX_VALUE, Integer.MAX_VALUE, System::nanoTime);
      NeonApi api = new NeonApi(config, limiter, NeonApi.Retries.DEFAULT);
      long t0 = System.nanoTime();
      List<DiscoveredDatabase> found = new NeonDiscovery(api, config).discover(NeonSelection.everything());
      double s = (System.nanoTime() - t0) / 1e9;
      long throttled = neon.rateLimited().values().stream().mapToLong(Long::longValue).sum();
      return new Result(s, neon.totalCalls(), found.size(), throttled);
    }
  }

  /** Organizations, project pages, and per project: branches, databases, one URI per database. */
  private static long naiveCalls(int projects) {
    return 1 + (projects / 400 + 1) + projects * 4L;
  }
}
