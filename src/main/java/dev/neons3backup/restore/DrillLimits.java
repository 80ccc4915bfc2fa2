package dev.neons3backup.restore;

import dev.neons3backup.Deadline;
import java.time.Duration;

/**
 * The bounds of a run of drills.
 *
 * @param deadline when the run must end (a Lambda invocation's timeout; none on the CLI)
 * @param margin no drill after the first starts with less than this left, so a drill is not killed
 *     half way (which would leave no record and a scratch database behind)
 * @param leftoverAge a scratch database carrying a drill's mark older than this is taken as left
 *     behind by a killed drill and dropped; younger ones may belong to a drill still running
 */
public record DrillLimits(Deadline deadline, Duration margin, Duration leftoverAge) {
  /** Far longer than any drill runs, so a drill still running is never taken for a leftover. */
  public static final Duration LEFTOVER_AGE = Duration.ofHours(6);

  public static final DrillLimits NONE =
      new DrillLimits(Deadline.NONE, Duration.ZERO, LEFTOVER_AGE);
}
