package dev.neons3backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * Random but reproducible planning inputs for the property tests: each seed gives the same listing,
 * policies and {@code now}, so a failure names the seed that reproduces it.
 *
 * <p>Listings mix a few databases, backups spread over about two years before {@code now} and a few
 * after it (clock skew), on whole hours so that equal times and shared weeks are common, plus exact
 * duplicates (the same backup listed twice), equal times under different keys, and backups within
 * seconds of {@code now} and of the keep-days cutoff.
 */
final class SyntheticListings {
  private static final String[] DATABASES = {"app", "billing", "tenant-0042", "zz"};
  private static final Instant EPOCH = Instant.parse("2026-01-05T09:30:00Z");
  private static final long TWO_YEARS_IN_HOURS = Duration.ofDays(730).toHours();

  private SyntheticListings() {}

  /** One generated input; {@code larger} keeps at least as much as {@code policy} by every rule. */
  record Case(
      long seed,
      Instant now,
      RetentionPolicy policy,
      RetentionPolicy larger,
      List<Backup> listing) {}

  /** Seeds 1..500 by default; {@code -Dretention.firstSeed=… -Dretention.seeds=…} explores more. */
  static LongStream seeds() {
    long first = Long.getLong("retention.firstSeed", 1);
    return LongStream.range(first, first + Long.getLong("retention.seeds", 500));
  }

  static Case generate(long seed) {
    Random random = new Random(seed);
    Instant now = EPOCH.plus(Duration.ofMinutes(random.nextInt(0, 366 * 24 * 60)));
    RetentionPolicy policy = policy(random);
    RetentionPolicy larger = enlarge(policy, random);
    Instant cutoff = now.minus(Duration.ofDays(policy.keepDays()));
    return new Case(seed, now, policy, larger, listing(random, now, cutoff));
  }

  private static List<Backup> listing(Random random, Instant now, Instant cutoff) {
    int size = random.nextInt(4) == 0 ? random.nextInt(0, 6) : random.nextInt(0, 200);
    List<Backup> listing = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int kind = random.nextInt(20);
      if (kind == 0 && !listing.isEmpty()) {
        listing.add(listing.get(random.nextInt(listing.size())));
      } else if (kind == 1 && !listing.isEmpty()) {
        Backup other = listing.get(random.nextInt(listing.size()));
        listing.add(new Backup(other.database(), other.time(), other.key() + "-copy" + i));
      } else if (kind == 2) {
        listing.add(backup(random, random.nextBoolean() ? now : cutoff, 90));
      } else {
        listing.add(backup(random, now, 0));
      }
    }
    return listing;
  }

  /**
   * A backup {@code anchor ± jitterSeconds}, or with no jitter anywhere from three days after to
   * two years before it, on whole hours.
   */
  private static Backup backup(Random random, Instant anchor, int jitterSeconds) {
    String database = DATABASES[random.nextInt(DATABASES.length)];
    Instant time =
        jitterSeconds > 0
            ? anchor.plusSeconds(random.nextInt(-jitterSeconds, jitterSeconds + 1))
            : anchor.minus(Duration.ofHours(random.nextLong(-72, TWO_YEARS_IN_HOURS)));
    return new Backup(database, time, database + "/" + time);
  }

  private static RetentionPolicy policy(Random random) {
    return new RetentionPolicy(
        random.nextInt(1, 13),
        sometimes(random, 400),
        sometimes(random, 60),
        sometimes(random, 30));
  }

  /** Zero (the rule off) a quarter of the time, so that each rule is also seen on its own. */
  private static int sometimes(Random random, int max) {
    return random.nextInt(4) == 0 ? 0 : random.nextInt(0, max + 1);
  }

  private static RetentionPolicy enlarge(RetentionPolicy p, Random random) {
    return new RetentionPolicy(
        p.keepLast() + random.nextInt(0, 5),
        p.keepDays() + random.nextInt(0, 30),
        p.keepWeekly() + random.nextInt(0, 5),
        p.keepMonthly() + random.nextInt(0, 5));
  }
}
