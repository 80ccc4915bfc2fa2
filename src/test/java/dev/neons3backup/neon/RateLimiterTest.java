package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void holdsTheAccountToItsPerMinuteBudget() {
    RateLimiter l = new RateLimiter(10, 100, () -> 0);
    for (int i = 0; i < 10; i++) {
      l.record("r" + i, i * SECOND);
    }
    assertThat(l.waitNanos("other", 10 * SECOND)).isEqualTo(50 * SECOND);
    assertThat(l.waitNanos("other", 60 * SECOND + 1)).isLessThanOrEqualTo(0);
  }

  @Test
  void holdsEachRouteToItsPerSecondBudgetButNotTheOthers() {
    RateLimiter l = new RateLimiter(1000, 3, () -> 0);
    for (int i = 0; i < 3; i++) {
      l.record("GET /projects", i);
    }
    assertThat(l.waitNanos("GET /projects", 10)).isEqualTo(SECOND - 10);
    assertThat(l.waitNanos("GET /projects/{project_id}/branches", 10)).isLessThanOrEqualTo(0);
  }

  @Test
  void neonsLimitsLeaveAMargin() {
    RateLimiter l = RateLimiter.forNeon();
    for (int i = 0; i < 686; i++) {
      l.record("r" + (i % 50), i * 10_000_000L);
    }
    assertThat(l.waitNanos("x", 6_860_000_000L)).isPositive();
  }
}
