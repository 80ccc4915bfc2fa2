package dev.neons3backup.restore;

import java.util.List;

/**
 * A run of drills.
 *
 * @param results one per database drilled (or whose drill could not start)
 * @param notDrilled databases chosen but left for the next run because time ran short; the next run
 *     drills them first, as they are then the ones drilled longest ago
 */
public record DrillRun(List<DrillResult> results, List<String> notDrilled) {}
