package dev.neons3backup.config;

import java.util.List;
import java.util.Optional;

/**
 * The databases a run was asked to back up: those whose entry is usable, and those refused one by
 * one (a malformed or missing URL), each with its reason. A refused entry fails alone; the others
 * are still backed up.
 *
 * @param targets the usable entries, in the order they were listed
 * @param rejected the refused entries, each with its position in the list
 * @param neon the Neon discovery to add to them, if configured
 */
public record TargetList(
    List<DatabaseTarget> targets, List<Rejected> rejected, Optional<NeonSettings> neon) {
  public TargetList {
    targets = List.copyOf(targets);
    rejected = List.copyOf(rejected);
  }

  public TargetList(List<DatabaseTarget> targets, List<Rejected> rejected) {
    this(targets, rejected, Optional.empty());
  }

  /**
   * One entry that cannot be backed up.
   *
   * @param position its index in the configured list, so results keep the configured order
   * @param reason one line naming the database and what to fix; never the URL
   */
  public record Rejected(int position, String name, String reason) {}

  /** A list where every entry is usable. */
  public static TargetList of(List<DatabaseTarget> targets) {
    return new TargetList(targets, List.of());
  }

  public int size() {
    return targets.size() + rejected.size();
  }
}
