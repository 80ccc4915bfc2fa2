package dev.neons3backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.catalog.BackupKey;
import dev.neons3backup.io.Compression;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
  private static final Instant NOW = Instant.parse("2026-03-31T12:00:00Z");

  @Test
  void keepsTheNewestNAndDeletesTheRest() {
    List<Backup> daily = daily("app", "2026-03-01", 31);
    RetentionPlan plan = RetentionPlanner.plan(daily, new RetentionPolicy(3, 0, 0, 0), NOW);

    assertThat(keys(plan.toKeep()))
        .containsExactly(
            key("app", "2026-03-31T02:00:00Z"),
            key("app", "2026-03-30T02:00:00Z"),
            key("app", "2026-03-29T02:00:00Z"));
    assertThat(plan.toDelete()).hasSize(28);
    assertThat(plan.decisions().get(0).reasons()).containsExactly("last 3");
    assertThat(plan.decisions().get(3).reasons()).containsExactly("matches no rule");
  }

  @Test
  void keepsDailyBackupsForNinetyDaysAsLastWeeklyAndMonthly() {
    List<Backup> daily = daily("app", "2026-01-01", 90);
    RetentionPlan plan = RetentionPlanner.plan(daily, new RetentionPolicy(3, 0, 4, 3), NOW);

    // 2026-03-31 is a Tuesday of ISO week 14; weeks 13, 12, 11 end on Sundays 29, 22 and 15 March.
    assertThat(keys(plan.toKeep()))
        .containsExactly(
            key("app", "2026-03-31T02:00:00Z"),
            key("app", "2026-03-30T02:00:00Z"),
            key("app", "2026-03-29T02:00:00Z"),
            key("app", "2026-03-22T02:00:00Z"),
            key("app", "2026-03-15T02:00:00Z"),
            key("app", "2026-02-28T02:00:00Z"),
            key("app", "2026-01-31T02:00:00Z"));
    assertThat(plan.toDelete()).hasSize(83);
    assertThat(plan.decisions().get(0).reasons())
        .containsExactly("last 3", "weekly 2026-W14", "monthly 2026-03");
    assertThat(plan.decisions().get(2).reasons()).containsExactly("last 3", "weekly 2026-W13");
  }

  @Test
  void keepsEverythingYoungerThanKeepDaysAndNothingOnTheBoundary() {
    Backup onBoundary = backup("app", "2026-03-24T12:00:00Z");
    Backup justInside = backup("app", "2026-03-24T12:00:01Z");
    Backup newest = backup("app", "2026-03-31T11:00:00Z");
    RetentionPlan plan =
        RetentionPlanner.plan(
            List.of(onBoundary, justInside, newest), new RetentionPolicy(1, 7, 0, 0), NOW);

    assertThat(plan.toKeep()).containsExactly(newest, justInside);
    assertThat(plan.toDelete()).containsExactly(onBoundary);
    assertThat(plan.decisions().get(0).reasons()).containsExactly("last 1", "within 7 days");
    assertThat(plan.decisions().get(1).reasons()).containsExactly("within 7 days");
  }

  @Test
  void saysOneDayInTheSingular() {
    Backup recent = backup("app", "2026-03-31T01:00:00Z");
    Backup newest = backup("app", "2026-03-31T02:00:00Z");
    RetentionPlan plan =
        RetentionPlanner.plan(List.of(recent, newest), new RetentionPolicy(1, 1, 0, 0), NOW);

    assertThat(plan.decisions().get(1).reasons()).containsExactly("within 1 day");
  }

  @Test
  void keepsBackupsDatedAfterNowWhateverThePolicy() {
    Backup oneSecondAhead = backup("app", "2026-03-31T12:00:01Z");
    Backup later = backup("app", "2026-04-02T00:00:00Z");
    Backup atNow = backup("app", "2026-03-31T12:00:00Z");
    RetentionPlan plan =
        RetentionPlanner.plan(
            List.of(atNow, oneSecondAhead, later), new RetentionPolicy(1, 0, 0, 0), NOW);

    assertThat(plan.toKeep()).containsExactly(later, oneSecondAhead);
    assertThat(plan.decisions().get(0).reasons()).containsExactly("last 1", "newer than now");
    assertThat(plan.decisions().get(1).reasons()).containsExactly("newer than now");
    assertThat(plan.toDelete()).containsExactly(atNow);
  }

  @Test
  void keepsTheNewestOfEachIsoWeekCountingOnlyWeeksWithBackups() {
    Backup sundayNight = backup("app", "2026-03-29T23:59:59Z"); // last second of 2026-W13
    Backup sundayMorning = backup("app", "2026-03-29T02:00:00Z");
    Backup mondayMidnight = backup("app", "2026-03-30T00:00:00Z"); // first second of 2026-W14
    Backup threeWeeksEarlier = backup("app", "2026-03-04T02:00:00Z"); // 2026-W10, after a gap
    Backup older = backup("app", "2026-02-25T02:00:00Z"); // 2026-W09, beyond three weeks
    List<Backup> listing =
        List.of(older, threeWeeksEarlier, sundayMorning, sundayNight, mondayMidnight);
    RetentionPlan plan = RetentionPlanner.plan(listing, new RetentionPolicy(1, 0, 3, 0), NOW);

    assertThat(plan.toKeep()).containsExactly(mondayMidnight, sundayNight, threeWeeksEarlier);
    assertThat(plan.decisions().get(1).reasons()).containsExactly("weekly 2026-W13");
    assertThat(plan.decisions().get(3).reasons()).containsExactly("weekly 2026-W10");
  }

  @Test
  void namesTheIsoWeekBasedYearNotTheCalendarYear() {
    Backup endOf2024 = backup("app", "2024-12-30T02:00:00Z"); // a Monday, in 2025-W01
    Backup endOf2027 = backup("app", "2027-01-02T02:00:00Z"); // a Saturday, in 2026-W53
    RetentionPlan plan =
        RetentionPlanner.plan(
            List.of(endOf2024, endOf2027),
            new RetentionPolicy(1, 0, 2, 0),
            Instant.parse("2027-06-01T00:00:00Z"));

    assertThat(plan.decisions().get(0).reasons()).containsExactly("last 1", "weekly 2026-W53");
    assertThat(plan.decisions().get(1).reasons()).containsExactly("weekly 2025-W01");
  }

  @Test
  void keepsTheNewestOfEachCalendarMonthInUtc() {
    Backup lastSecondOfFebruary = backup("app", "2026-02-28T23:59:59Z");
    Backup earlierInFebruary = backup("app", "2026-02-01T00:00:00Z");
    Backup firstSecondOfMarch = backup("app", "2026-03-01T00:00:00Z");
    Backup december = backup("app", "2025-12-15T02:00:00Z");
    Backup november = backup("app", "2025-11-15T02:00:00Z");
    List<Backup> listing =
        List.of(november, december, earlierInFebruary, lastSecondOfFebruary, firstSecondOfMarch);
    RetentionPlan plan = RetentionPlanner.plan(listing, new RetentionPolicy(1, 0, 0, 3), NOW);

    assertThat(plan.toKeep()).containsExactly(firstSecondOfMarch, lastSecondOfFebruary, december);
    assertThat(plan.decisions().get(1).reasons()).containsExactly("monthly 2026-02");
    assertThat(plan.decisions().get(3).reasons()).containsExactly("monthly 2025-12");
  }

  @Test
  void plansEachDatabaseOnItsOwnOrderedByNameThenNewestFirst() {
    Backup zetaOld = backup("zeta", "2026-03-01T02:00:00Z");
    Backup zetaNew = backup("zeta", "2026-03-02T02:00:00Z");
    Backup alphaOld = backup("alpha", "2025-01-01T02:00:00Z");
    Backup alphaNew = backup("alpha", "2025-01-02T02:00:00Z");
    RetentionPlan plan =
        RetentionPlanner.plan(
            List.of(zetaOld, alphaOld, zetaNew, alphaNew), new RetentionPolicy(1, 0, 0, 0), NOW);

    assertThat(plan.decisions())
        .extracting(Decision::backup)
        .containsExactly(alphaNew, alphaOld, zetaNew, zetaOld);
    assertThat(plan.toKeep()).containsExactly(alphaNew, zetaNew);
    assertThat(plan.byDatabase().keySet()).containsExactly("alpha", "zeta");
    assertThat(plan.forDatabase("zeta")).extracting(Decision::keep).containsExactly(true, false);
    assertThat(plan.forDatabase("missing")).isEmpty();
  }

  @Test
  void treatsDuplicatesAsDistinctBackupsInListingOrder() {
    Backup first = new Backup("app", Instant.parse("2026-03-30T02:00:00Z"), "app/first");
    Backup second = new Backup("app", Instant.parse("2026-03-30T02:00:00Z"), "app/second");
    Backup copy = backup("app", "2026-03-01T02:00:00Z");
    RetentionPlan plan =
        RetentionPlanner.plan(
            List.of(copy, first, second, copy), new RetentionPolicy(1, 0, 0, 0), NOW);

    assertThat(plan.decisions())
        .extracting(Decision::backup)
        .containsExactly(first, second, copy, copy);
    assertThat(plan.toKeep()).containsExactly(first);
  }

  @Test
  void plansNothingForAnEmptyListing() {
    RetentionPlan plan = RetentionPlanner.plan(List.of(), new RetentionPolicy(1, 7, 4, 12), NOW);

    assertThat(plan.decisions()).isEmpty();
    assertThat(plan.byDatabase()).isEmpty();
  }

  @Test
  void aStrayNewerIncompleteBackupNeverCostsAComplete() {
    List<Backup> complete = daily("app", "2026-03-27", 3);
    Backup stray = incomplete("app", "2026-03-31T02:00:00Z");
    List<Backup> listing = new ArrayList<>(complete);
    listing.add(stray);

    RetentionPlan plan = RetentionPlanner.plan(listing, new RetentionPolicy(1, 0, 0, 0), NOW);

    assertThat(plan.toKeep()).containsExactly(stray, complete.get(2));
    assertThat(plan.decisions().get(0).reasons()).containsExactly("incomplete, counted by no rule");
    assertThat(plan.decisions().get(1).reasons()).containsExactly("last 1");
    assertThat(plan.toDelete()).containsExactly(complete.get(1), complete.get(0));
  }

  @Test
  void deletesAnIncompleteBackupOnlyBehindKeepLastCompleteOnes() {
    Backup old = incomplete("app", "2026-03-01T02:00:00Z");
    Backup between = incomplete("app", "2026-03-29T12:00:00Z");
    List<Backup> listing = new ArrayList<>(daily("app", "2026-03-28", 4));
    listing.add(old);
    listing.add(between);

    RetentionPlan keep2 = RetentionPlanner.plan(listing, new RetentionPolicy(2, 0, 0, 0), NOW);
    assertThat(keep2.toKeep()).doesNotContain(old, between);
    assertThat(keep2.decisions())
        .filteredOn(d -> d.backup() == old)
        .extracting(Decision::reasons)
        .containsExactly(List.of("incomplete, older than every kept complete backup"));

    RetentionPlan keep3 = RetentionPlanner.plan(listing, new RetentionPolicy(3, 0, 0, 0), NOW);
    assertThat(keep3.toKeep()).contains(between).doesNotContain(old);

    // Fewer complete backups than --keep-last: nothing incomplete is deleted, however old.
    RetentionPlan keep9 = RetentionPlanner.plan(listing, new RetentionPolicy(9, 0, 0, 0), NOW);
    assertThat(keep9.toDelete()).isEmpty();
    RetentionPlan onlyIncomplete =
        RetentionPlanner.plan(List.of(old, between), new RetentionPolicy(1, 0, 0, 0), NOW);
    assertThat(onlyIncomplete.toDelete()).isEmpty();
  }

  private static Backup incomplete(String database, String time) {
    Backup b = backup(database, time);
    return new Backup(b.database(), b.time(), b.key(), false);
  }

  private static List<Backup> daily(String database, String firstDay, int days) {
    List<Backup> backups = new ArrayList<>();
    LocalDate day = LocalDate.parse(firstDay);
    for (int i = 0; i < days; i++) {
      backups.add(backup(database, day.plusDays(i) + "T02:00:00Z"));
    }
    return backups;
  }

  private static Backup backup(String database, String time) {
    return new Backup(database, Instant.parse(time), key(database, time));
  }

  /** The key the catalog gives a gzip backup of {@code database} at {@code time}. */
  private static String key(String database, String time) {
    return new BackupKey(database, Instant.parse(time), Compression.GZIP).format();
  }

  private static List<String> keys(List<Backup> backups) {
    return backups.stream().map(Backup::key).toList();
  }
}
