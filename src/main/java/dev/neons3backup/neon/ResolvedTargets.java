package dev.neons3backup.neon;

import dev.neons3backup.config.TargetList;
import java.util.ArrayList;
import java.util.List;

/**
 * The night's targets: the listed ones and the discovered ones, once each, and what changed since
 * earlier runs. Closing it deletes the snapshot branches taken for the run (each close never
 * throws), so a caller closes it in a {@code finally}, whatever the run did.
 *
 * @param newlyDiscovered discovered databases with no backup in the store yet
 * @param noLongerDiscovered databases with a Neon-named series in the store that discovery no
 *     longer finds (deleted, or excluded by the selection)
 */
public record ResolvedTargets(
    TargetList targets,
    List<String> newlyDiscovered,
    List<String> noLongerDiscovered,
    List<Snapshot> snapshots)
    implements AutoCloseable {

  public ResolvedTargets {
    newlyDiscovered = List.copyOf(newlyDiscovered);
    noLongerDiscovered = List.copyOf(noLongerDiscovered);
    snapshots = List.copyOf(snapshots);
  }

  /** Nothing discovered: the listed targets as they are. */
  public static ResolvedTargets listedOnly(TargetList targets) {
    return new ResolvedTargets(targets, List.of(), List.of(), List.of());
  }

  /**
   * The lines printed and logged after the run's summary: {@code newly discovered: a, b} and {@code
   * no longer discovered: c}, each only when it names something.
   */
  public List<String> changeLines() {
    List<String> lines = new ArrayList<>();
    if (!newlyDiscovered.isEmpty()) {
      lines.add("newly discovered: " + String.join(", ", newlyDiscovered));
    }
    if (!noLongerDiscovered.isEmpty()) {
      lines.add("no longer discovered: " + String.join(", ", noLongerDiscovered));
    }
    return lines;
  }

  @Override
  public void close() {
    snapshots.forEach(Snapshot::close);
  }
}
