package dev.neons3backup.config;

import dev.neons3backup.BackupException;
import dev.neons3backup.catalog.NeonOrigin;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One database to back up: a name, which becomes the first segment of its object keys, its
 * connection URL and, for a Neon database, where it lives (recorded in its manifest). {@code
 * toString} never shows the password.
 */
public record DatabaseTarget(String name, ConnectionUrl url, Optional<NeonOrigin> origin) {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

  /** The folder of the fleet's run plans and reports ({@code _runs/}): never a backup's. */
  public static final String RESERVED = "_runs";

  public DatabaseTarget {
    checkName(name);
  }

  public DatabaseTarget(String name, ConnectionUrl url) {
    this(name, url, Optional.empty());
  }

  /** This target with its Neon origin. */
  public DatabaseTarget withOrigin(NeonOrigin neon) {
    return new DatabaseTarget(name, url, Optional.of(neon));
  }

  public static DatabaseTarget of(String name, String url) {
    checkName(name);
    return new DatabaseTarget(name, ConnectionUrl.parse(name, url));
  }

  /** Whether {@code name} is one {@link #checkName} lets through: one a database may have. */
  public static boolean isName(String name) {
    return name != null
        && name.length() <= 200
        && !name.equals(RESERVED)
        && SAFE_NAME.matcher(name).matches();
  }

  /**
   * Refuses, never rewrites, a name that is not a safe key segment: a rewritten name could make two
   * databases share one folder of backups.
   */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw BackupException.config(
          "a database has an empty name; give every database a name such as \"my-app-prod\".");
    }
    if (name.length() > 200) {
      throw BackupException.config(
          "database name '"
              + printable(name.substring(0, 40))
              + "…' is "
              + name.length()
              + " characters long; use at most 200.");
    }
    if (name.equals(RESERVED)) {
      throw BackupException.config(
          "database name '"
              + RESERVED
              + "' is reserved for the fleet's run plans and reports; give the database another"
              + " name.");
    }
    if (!SAFE_NAME.matcher(name).matches()) {
      throw BackupException.config(
          "database name '"
              + printable(name)
              + "' is not allowed; use letters, digits, '.', '_' and '-' only, not starting"
              + " with '.' or '-' (it becomes a folder of the bucket).");
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                b.append(String.format("\\u%04x", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }

  @Override
  public String toString() {
    return name + " (" + url + ")";
  }
}
