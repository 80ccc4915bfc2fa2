package dev.neons3backup.io;

import java.util.Locale;

/** Byte counts as a person reads them: the terminal's tables and the status page alike. */
public final class Sizes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

  private Sizes() {}

  /** {@code 512 B}, {@code 1.5 KiB}, … up to TiB, one decimal. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int u = -1;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }
}
