package dev.neons3backup.catalog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The timestamp in object keys: {@code YYYY-MM-DD_HH-MM-SS}, UTC, to the second. */
public final class KeyTime {
  // STRICT: 2026-02-30 is no time (the default resolver would quietly make it 2026-02-28).
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd_HH-mm-ss")
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  private KeyTime() {}

  public static String format(Instant time) {
    return FORMAT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * The time {@code text} names, only when it is exactly what {@link #format} writes for it: the
   * lenient parser would read {@code 2026-02-31} as 28 February, and a key read as a time other
   * than its own would point at another object.
   */
  public static Optional<Instant> parse(String text) {
    try {
      Instant time = FORMAT.parse(text, Instant::from);
      return format(time).equals(text) ? Optional.of(time) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
