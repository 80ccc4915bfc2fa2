package dev.neons3backup.json;

import dev.neons3backup.PruneReport;
import dev.neons3backup.retention.Decision;
import java.util.List;

/** A retention plan and what was done with it, as {@code prune --json} gives it. */
public record PruneJson(
    boolean confirmed,
    int keep,
    int delete,
    List<String> deleted,
    List<String> failures,
    List<DecisionJson> decisions) {

  public static PruneJson of(PruneReport report) {
    return new PruneJson(
        report.confirmed(),
        report.plan().toKeep().size(),
        report.plan().toDelete().size(),
        report.deleted(),
        report.failures(),
        report.plan().decisions().stream().map(DecisionJson::of).toList());
  }

  /** What the plan does with one backup, and why. */
  public record DecisionJson(
      String name, String key, String time, String action, boolean complete, List<String> reasons) {
    static DecisionJson of(Decision d) {
      return new DecisionJson(
          d.backup().database(),
          d.backup().key(),
          d.backup().time().toString(),
          d.keep() ? "keep" : "delete",
          d.backup().complete(),
          d.reasons());
    }
  }
}
