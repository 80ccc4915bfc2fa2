package dev.neons3backup.health;

/** What {@code status} raises about a database; any one makes it exit 3. */
public enum Flag {
  /** The newest complete backup is older than the stale limit (or there is none). */
  STALE("STALE"),
  /** The newest complete backup shrank past the threshold: {@link Shrink}. */
  SHRUNK("SHRUNK"),
  NEVER_VERIFIED("NEVER VERIFIED"),
  /** The newest drill of the database failed. */
  DRILL_FAILED("DRILL FAILED"),
  /** A backup newer than the newest complete one is incomplete, or none is complete. */
  INCOMPLETE("INCOMPLETE");

  private final String label;

  Flag(String label) {
    this.label = label;
  }

  /** As a person reads it in the table, the page and the JSON. */
  public String label() {
    return label;
  }
}
