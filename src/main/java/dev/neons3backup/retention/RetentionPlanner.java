package dev.neons3backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides which backups {@code prune} keeps: a pure function of the listing, the policy and the
 * time, so that the printed plan and the confirmed deletion are the same plan. Each database is
 * planned on its own; all calendar arithmetic is in UTC, like the keys.
 */
public final class RetentionPlanner {
  static final String NO_RULE = "matches no rule";

  // List.sort is stable, so backups with the same database and time keep their listing order.
  private static final Comparator<Backup> PLAN_ORDER =
      Comparator.comparing(Backup::database).thenComparing(Backup::time, Comparator.reverseOrder());

  private RetentionPlanner() {}

  public static RetentionPlan plan(
      Collection<Backup> backups, RetentionPolicy policy, Instant now) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    List<Backup> ordered = new ArrayList<>(backups);
    ordered.sort(PLAN_ORDER);
    List<Decision> decisions = new ArrayList<>(ordered.size());
    int start = 0;
    while (start < ordered.size()) {
      int end = endOfDatabase(ordered, start);
      decisions.addAll(decide(ordered.subList(start, end), policy, now));
      start = end;
    }
    return new RetentionPlan(decisions);
  }

  private static int endOfDatabase(List<Backup> ordered, int start) {
    String database = ordered.get(start).database();
    int end = start + 1;
    while (end < ordered.size() && ordered.get(end).database().equals(database)) {
      end++;
    }
    return end;
  }

  /**
   * Decides one database's backups, given newest first. The rules see only the complete ones, so an
   * incomplete backup can neither take the place of a complete one nor push it out of a rule. An
   * incomplete one is deleted only when at least {@code keepLast} complete backups are kept and all
   * of them are newer: then it is history the policy does not want; otherwise it may be the best
   * copy there is.
   */
  private static List<Decision> decide(
      List<Backup> newestFirst, RetentionPolicy policy, Instant now) {
    List<Backup> complete = newestFirst.stream().filter(Backup::complete).toList();
    List<Decision> decided = decideComplete(complete, policy, now);
    List<Instant> kept =
        decided.stream().filter(Decision::keep).map(d -> d.backup().time()).toList();
    Instant oldestKept =
        kept.size() < policy.keepLast() ? null : kept.stream().min(Comparator.naturalOrder()).get();
    List<Decision> decisions = new ArrayList<>(newestFirst.size());
    int next = 0;
    for (Backup b : newestFirst) {
      if (b.complete()) {
        decisions.add(decided.get(next++));
      } else if (oldestKept == null || !b.time().isBefore(oldestKept)) {
        decisions.add(new Decision(b, true, List.of(INCOMPLETE_KEPT)));
      } else {
        decisions.add(new Decision(b, false, List.of(INCOMPLETE_OLD)));
      }
    }
    return decisions;
  }

  static final String INCOMPLETE_KEPT = "incomplete, counted by no rule";
  static final String INCOMPLETE_OLD = "incomplete, older than every kept complete backup";

  private static List<Decision> decideComplete(
      List<Backup> newestFirst, RetentionPolicy policy, Instant now) {
    List<List<String>> reasons = new ArrayList<>();
    newestFirst.forEach(b -> reasons.add(new ArrayList<>()));
    keepLast(policy.keepLast(), reasons);
    keepRecent(newestFirst, policy.keepDays(), now, reasons);
    keepNewestPerPeriod(newestFirst, policy.keepWeekly(), RetentionPlanner::isoWeek, reasons);
    keepNewestPerPeriod(newestFirst, policy.keepMonthly(), RetentionPlanner::month, reasons);
    List<Decision> decisions = new ArrayList<>(newestFirst.size());
    for (int i = 0; i < newestFirst.size(); i++) {
      List<String> why = reasons.get(i);
      boolean keep = !why.isEmpty();
      decisions.add(new Decision(newestFirst.get(i), keep, keep ? why : List.of(NO_RULE)));
    }
    return decisions;
  }

  private static void keepLast(int keepLast, List<List<String>> reasons) {
    for (int i = 0; i < Math.min(keepLast, reasons.size()); i++) {
      reasons.get(i).add("last " + keepLast);
    }
  }

  /**
   * Keeps what is younger than {@code keepDays}, and always keeps a backup dated after {@code now}:
   * that means a clock is wrong, and a wrong clock must not make the newest backups look old.
   */
  private static void keepRecent(
      List<Backup> newestFirst, int keepDays, Instant now, List<List<String>> reasons) {
    Instant cutoff = now.minus(Duration.ofDays(keepDays));
    String within = "within " + keepDays + (keepDays == 1 ? " day" : " days");
    for (int i = 0; i < newestFirst.size(); i++) {
      Instant time = newestFirst.get(i).time();
      if (time.isAfter(now)) {
        reasons.get(i).add("newer than now");
      } else if (time.isAfter(cutoff)) {
        reasons.get(i).add(within);
      }
    }
  }

  /**
   * Keeps the newest backup of each of the {@code count} most recent periods that have a backup:
   * periods without backups do not count, so a gap in the backups does not shorten the history kept
   * (as restic and borg do).
   */
  private static void keepNewestPerPeriod(
      List<Backup> newestFirst,
      int count,
      Function<Instant, String> period,
      List<List<String>> reasons) {
    String previous = null;
    int periodsSeen = 0;
    // Newest first, so each period's first backup is its newest, and periods arrive newest first.
    for (int i = 0; i < newestFirst.size() && periodsSeen < count; i++) {
      String current = period.apply(newestFirst.get(i).time());
      if (!current.equals(previous)) {
        previous = current;
        periodsSeen++;
        reasons.get(i).add(current);
      }
    }
  }

  private static String isoWeek(Instant time) {
    LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
    return String.format(
        Locale.ROOT,
        "weekly %d-W%02d",
        day.get(IsoFields.WEEK_BASED_YEAR),
        day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }

  private static String month(Instant time) {
    return "monthly " + YearMonth.from(time.atOffset(ZoneOffset.UTC));
  }
}
