package dev.neons3backup.retention;

import java.util.List;
import java.util.Objects;

/**
 * What the plan does with one backup, and why: the reasons name every rule that keeps it, or say
 * why none did, so that a printed plan can be checked before {@code --confirm}.
 */
public record Decision(Backup backup, boolean keep, List<String> reasons) {
  public Decision {
    Objects.requireNonNull(backup, "backup");
    reasons = List.copyOf(reasons);
  }
}
