package dev.neons3backup.pg;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns what libpq, psql and pg_dump print on failure into one line for the user: what went wrong
 * and what to do. The password is removed from anything shown, whatever printed it.
 */
public final class Failures {
  private Failures() {}

  public static String describe(String database, String stderr, String password) {
    String line = firstErrorLine(stderr) + serverHint(stderr);
    String hint = hint(stderr);
    String text = "database '" + database + "': " + line + (hint.isEmpty() ? "" : " — " + hint);
    return scrub(text, password);
  }

  /**
   * Removes every occurrence of {@code secret} from {@code text}, as written and as a URL would
   * percent-encode it (a tool may echo either form).
   */
  public static String scrub(String text, String secret) {
    if (secret == null || secret.isEmpty()) {
      return text;
    }
    String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return text.replace(secret, "****")
        .replace(form, "****")
        .replace(form.replace("+", "%20"), "****");
  }

  private static String firstErrorLine(String stderr) {
    for (String part : stderr.split(" \\| ")) {
      String p = part.trim();
      if (p.contains("FATAL") || p.contains("error:") || p.contains("ERROR")) {
        return clean(p);
      }
    }
    String trimmed = stderr.trim();
    return trimmed.isEmpty() ? "the command failed without a message" : clean(trimmed);
  }

  /**
   * PostgreSQL's own HINT for the first error, when it gave one ("You might need to increase
   * max_locks_per_transaction."): it often says exactly what to do, so it is kept.
   */
  private static String serverHint(String stderr) {
    boolean afterError = false;
    for (String part : stderr.split(" \\| ")) {
      String p = part.trim();
      if (!afterError) {
        afterError = p.contains("FATAL") || p.contains("error:") || p.contains("ERROR");
      } else if (p.startsWith("HINT:")) {
        return " (" + clean(p.replaceAll("\\s+", " ")) + ")";
      } else if (!p.startsWith("DETAIL:") && !p.startsWith("CONTEXT:")) {
        return "";
      }
    }
    return "";
  }

  private static String clean(String line) {
    String l = line.replaceFirst("^(pg_dump|psql): ", "").replaceFirst("^error: ", "");
    return l.length() > 400 ? l.substring(0, 400) + "…" : l;
  }

  private static String hint(String stderr) {
    if (stderr.contains("password authentication failed")
        || stderr.contains("no password supplied")) {
      return "check the user and password in its URL";
    }
    if (stderr.contains("does not exist") && stderr.contains("database")) {
      return "check the database name at the end of its URL";
    }
    if (stderr.contains("could not translate host name")) {
      return "check the host name in its URL";
    }
    if (stderr.contains("Connection refused") || stderr.contains("timeout expired")) {
      return "check the host and port in its URL and that the server is running and reachable";
    }
    if (stderr.contains("server version mismatch")) {
      return "install a pg_dump at least as new as the server";
    }
    if (stderr.contains("permission denied to create database")) {
      return "the user in its URL needs the CREATEDB privilege, or create the database yourself"
          + " and restore without --create-database";
    }
    if (stderr.contains("permission denied for schema")) {
      return "the user in its URL needs CREATE on that schema (or use the database's owner)";
    }
    if (stderr.contains("permission denied")) {
      return "the user in its URL needs read access to every table (or use an owner role)";
    }
    return "";
  }
}
