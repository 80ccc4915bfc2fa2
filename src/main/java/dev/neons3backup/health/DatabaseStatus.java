package dev.neons3backup.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One database's facts and what the rules made of them.
 *
 * @param health the facts read from the store
 * @param age how old its newest complete backup is
 * @param shrink how the newest complete backup shrank since the previous one, past the threshold
 * @param flags what is wrong, in {@link Flag} order; empty when nothing is
 * @param reasons one line per flag saying why, in the same order
 */
public record DatabaseStatus(
    DatabaseHealth health,
    Optional<Duration> age,
    Optional<Shrink> shrink,
    List<Flag> flags,
    List<String> reasons) {

  public DatabaseStatus {
    flags = List.copyOf(flags);
    reasons = List.copyOf(reasons);
  }

  public String database() {
    return health.database();
  }

  public boolean flagged() {
    return !flags.isEmpty();
  }
}
