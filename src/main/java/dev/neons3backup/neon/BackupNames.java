package dev.neons3backup.neon;

import dev.neons3backup.config.DatabaseTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The backup name of a discovered database: {@code <project id>.<branch id>.<database>}, e.g.
 * {@code shiny-wind-028834.br-small-term-683261.neondb}.
 *
 * <ul>
 *   <li><b>Stable</b>: built from the project's and branch's ids, which never change, so a project
 *       or branch renamed in the console keeps its series. (A database renamed is a new series: its
 *       name is its only readable identity.)
 *   <li><b>Unique</b>: ids are unique, database names are unique within a branch, and the encoding
 *       of the database name below is one-to-one (up to a 40-bit hash).
 *   <li><b>Readable and safe</b>: Neon ids are lower-case words, digits and dashes ({@code
 *       ^[a-z0-9-]{1,60}$}); a database name made of letters, digits, {@code . _ -} is kept as it
 *       is. Any other name has each run of other characters replaced by {@code _} and {@code -h<10
 *       hex digits of its SHA-256>} appended, so {@code "my app"} and {@code "my_app"} stay apart;
 *       a name that already ends like such a suffix gets one too. The result always passes {@link
 *       DatabaseTarget#checkName}. The project and branch names go into the manifest and {@code
 *       discover}'s output, not the key.
 * </ul>
 */
public final class BackupNames {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern LOOKS_HASHED = Pattern.compile(".*-h[0-9a-f]{10}");
  private static final Pattern UNSAFE_RUN = Pattern.compile("[^A-Za-z0-9._-]+");

  /** Project id, branch id (Neon's start with {@code br-}), then the database part. */
  private static final Pattern DISCOVERED = Pattern.compile("[a-z0-9-]+\\.br-[a-z0-9-]+\\..+");

  private BackupNames() {}

  /**
   * Whether a backup name follows this scheme, i.e. its series was (almost surely) written from
   * discovery: what "no longer discovered" is computed over.
   */
  public static boolean looksDiscovered(String name) {
    return DISCOVERED.matcher(name).matches();
  }

  public static String of(String projectId, String branchId, String database) {
    String name = projectId + "." + branchId + "." + databasePart(database);
    DatabaseTarget.checkName(name);
    return name;
  }

  static String databasePart(String database) {
    if (SAFE.matcher(database).matches() && !LOOKS_HASHED.matcher(database).matches()) {
      return database;
    }
    String readable = UNSAFE_RUN.matcher(database).replaceAll("_");
    if (readable.length() > 60) {
      readable = readable.substring(0, 60);
    }
    return readable + "-h" + sha256(database).substring(0, 10);
  }

  private static String sha256(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
