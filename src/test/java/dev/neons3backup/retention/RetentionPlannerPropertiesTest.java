package dev.neons3backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.retention.SyntheticListings.Case;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the planner, each checked over the synthetic listings of {@link SyntheticListings};
 * a failing case is named by its seed.
 */
class RetentionPlannerPropertiesTest {

  static LongStream seeds() {
    return SyntheticListings.seeds();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void neverDeletesTheNewestNOfADatabase(long seed) {
    Case c = SyntheticListings.generate(seed);
    RetentionPlan plan = plan(c);
    int keepLast = c.policy().keepLast();

    plan.byDatabase()
        .values()
        .forEach(
            decisions ->
                assertThat(decisions.stream().filter(Decision::keep).count())
                    .as("kept of %s", decisions)
                    .isGreaterThanOrEqualTo(Math.min(keepLast, decisions.size())));
    // Whatever the ties, a deletion leaves at least N kept backups as new as the deleted one.
    for (Backup deleted : plan.toDelete()) {
      long keptAsNew =
          plan.toKeep().stream()
              .filter(k -> k.database().equals(deleted.database()))
              .filter(k -> !k.time().isBefore(deleted.time()))
              .count();
      assertThat(keptAsNew).as("kept as new as %s", deleted).isGreaterThanOrEqualTo(keepLast);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void decidesEveryListedBackupOnceAndReturnsNothingElse(long seed) {
    Case c = SyntheticListings.generate(seed);
    RetentionPlan plan = plan(c);

    List<Backup> decided = new ArrayList<>(plan.toKeep());
    decided.addAll(plan.toDelete());
    // By identity: equal duplicates are distinct backups, and each must be decided exactly once.
    assertThat(identityCounts(decided)).isEqualTo(identityCounts(c.listing()));
    assertThat(identityCounts(plan.decisions().stream().map(Decision::backup).toList()))
        .isEqualTo(identityCounts(c.listing()));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void givesAReasonForEveryDecision(long seed) {
    for (Decision d : plan(SyntheticListings.generate(seed)).decisions()) {
      if (d.keep()) {
        assertThat(d.reasons()).isNotEmpty().doesNotContain(RetentionPlanner.NO_RULE);
      } else {
        assertThat(d.reasons()).containsExactly(RetentionPlanner.NO_RULE);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void ordersByDatabaseThenNewestFirst(long seed) {
    List<Backup> ordered =
        plan(SyntheticListings.generate(seed)).decisions().stream().map(Decision::backup).toList();

    assertThat(ordered)
        .isSortedAccordingTo(
            Comparator.comparing(Backup::database)
                .thenComparing(Backup::time, Comparator.reverseOrder()));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void pruningWhatWasKeptDeletesNothing(long seed) {
    Case c = SyntheticListings.generate(seed);
    List<Backup> kept = new ArrayList<>(plan(c).toKeep());
    // A store lists in its own order, so the second run must not depend on the first one's order.
    Collections.shuffle(kept, new Random(seed));

    assertThat(RetentionPlanner.plan(kept, c.policy(), c.now()).toDelete()).isEmpty();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void keepsEverythingWithinKeepDaysAndEverythingAfterNow(long seed) {
    Case c = SyntheticListings.generate(seed);
    Instant cutoff = c.now().minus(Duration.ofDays(c.policy().keepDays()));

    assertThat(identityCounts(plan(c).toKeep()))
        .containsAllEntriesOf(
            identityCounts(c.listing().stream().filter(b -> b.time().isAfter(cutoff)).toList()))
        .containsAllEntriesOf(
            identityCounts(c.listing().stream().filter(b -> b.time().isAfter(c.now())).toList()));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void deletesNothingWhenKeepLastCoversEveryDatabase(long seed) {
    Case c = SyntheticListings.generate(seed);
    int largest =
        c.listing().stream()
            .collect(Collectors.groupingBy(Backup::database, Collectors.counting()))
            .values()
            .stream()
            .mapToInt(Long::intValue)
            .max()
            .orElse(1);
    RetentionPolicy p = c.policy();
    RetentionPolicy coversAll =
        new RetentionPolicy(largest, p.keepDays(), p.keepWeekly(), p.keepMonthly());

    assertThat(RetentionPlanner.plan(c.listing(), coversAll, c.now()).toDelete()).isEmpty();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void plansEachDatabaseIndependentlyOfTheOthers(long seed) {
    Case c = SyntheticListings.generate(seed);
    RetentionPlan together = plan(c);

    for (String database : together.byDatabase().keySet()) {
      List<Backup> alone = c.listing().stream().filter(b -> b.database().equals(database)).toList();
      assertThat(RetentionPlanner.plan(alone, c.policy(), c.now()).decisions())
          .isEqualTo(together.forDatabase(database));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aLargerPolicyKeepsEverythingASmallerOneKeeps(long seed) {
    Case c = SyntheticListings.generate(seed);
    Map<Backup, Long> keptByLarger =
        identityCounts(RetentionPlanner.plan(c.listing(), c.larger(), c.now()).toKeep());

    identityCounts(plan(c).toKeep())
        .forEach(
            (backup, times) ->
                assertThat(keptByLarger.getOrDefault(backup, 0L))
                    .as("times %s is kept", backup)
                    .isGreaterThanOrEqualTo(times));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void keepsTheNewestBackupOfEachOfTheMostRecentWeeksAndMonths(long seed) {
    Case c = SyntheticListings.generate(seed);
    RetentionPlan plan = plan(c);

    for (List<Decision> decisions : plan.byDatabase().values()) {
      List<Backup> backups = decisions.stream().map(Decision::backup).toList();
      List<Backup> kept = decisions.stream().filter(Decision::keep).map(Decision::backup).toList();
      assertNewestKept(
          backups, kept, c.policy().keepWeekly(), RetentionPlannerPropertiesTest::monday);
      assertNewestKept(backups, kept, c.policy().keepMonthly(), b -> YearMonth.from(utc(b)));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void incompleteBackupsNeverChangeWhatHappensToCompleteOnes(long seed) {
    Case c = SyntheticListings.generate(seed);
    List<Backup> mixed = withIncomplete(c.listing(), new Random(seed));
    List<Backup> complete = mixed.stream().filter(Backup::complete).toList();

    List<Decision> onComplete =
        plan(mixed, c).decisions().stream().filter(d -> d.backup().complete()).toList();

    assertThat(onComplete).isEqualTo(plan(complete, c).decisions());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void deletesAnIncompleteBackupOnlyBehindKeepLastKeptCompleteOnes(long seed) {
    Case c = SyntheticListings.generate(seed);
    RetentionPlan plan = plan(withIncomplete(c.listing(), new Random(seed)), c);

    for (Backup deleted : plan.toDelete()) {
      if (!deleted.complete()) {
        long keptNewerComplete =
            plan.toKeep().stream()
                .filter(k -> k.complete() && k.database().equals(deleted.database()))
                .filter(k -> k.time().isAfter(deleted.time()))
                .count();
        long keptComplete =
            plan.toKeep().stream()
                .filter(k -> k.complete() && k.database().equals(deleted.database()))
                .count();
        assertThat(keptNewerComplete)
            .as("kept complete newer than %s", deleted)
            .isEqualTo(keptComplete)
            .isGreaterThanOrEqualTo(c.policy().keepLast());
      }
    }
  }

  /** The listing with about a third of its backups marked incomplete (manifest missing). */
  private static List<Backup> withIncomplete(List<Backup> listing, Random random) {
    return listing.stream()
        .map(
            b ->
                random.nextInt(3) == 0
                    ? new Backup(b.database(), b.time(), b.key() + "-incomplete", false)
                    : b)
        .toList();
  }

  private static RetentionPlan plan(List<Backup> listing, Case c) {
    return RetentionPlanner.plan(listing, c.policy(), c.now());
  }

  /** Independently of the planner: the newest time of each of the last {@code count} periods. */
  private static <P extends Comparable<P>> void assertNewestKept(
      List<Backup> backups, List<Backup> kept, int count, Function<Backup, P> period) {
    TreeMap<P, Instant> newestByPeriod =
        backups.stream()
            .collect(
                Collectors.toMap(
                    period, Backup::time, (a, b) -> a.isAfter(b) ? a : b, TreeMap::new));
    newestByPeriod.descendingMap().entrySet().stream()
        .limit(count)
        .forEach(
            e ->
                assertThat(kept)
                    .as("the newest backup of %s", e.getKey())
                    .anyMatch(
                        k -> period.apply(k).equals(e.getKey()) && k.time().equals(e.getValue())));
  }

  private static LocalDate monday(Backup b) {
    return utc(b).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  private static OffsetDateTime utc(Backup b) {
    return b.time().atOffset(ZoneOffset.UTC);
  }

  private static RetentionPlan plan(Case c) {
    return RetentionPlanner.plan(c.listing(), c.policy(), c.now());
  }

  private static Map<Backup, Long> identityCounts(List<Backup> backups) {
    Map<Backup, Long> counts = new IdentityHashMap<>();
    backups.forEach(b -> counts.merge(b, 1L, Long::sum));
    return counts;
  }
}
