package dev.neons3backup.cli;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.KeyTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads a backup time given on the command line. */
final class Times {
  private Times() {}

  /** Accepts the key form {@code 2026-11-24_02-00-00} or ISO-8601 {@code 2026-11-24T02:00:00Z}. */
  static Instant parse(String text) {
    return KeyTime.parse(text)
        .orElseGet(
            () -> {
              try {
                return Instant.parse(text);
              } catch (DateTimeParseException e) {
                throw BackupException.config(
                    "--at '"
                        + text
                        + "' is not a time; use the form shown by list, e.g."
                        + " 2026-11-24_02-00-00.");
              }
            });
  }
}
