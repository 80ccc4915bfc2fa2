package dev.neons3backup.pg;

import dev.neons3backup.config.ConnectionUrl;
import java.util.Map;

/** The environment of a PostgreSQL client process: the only way a password reaches one. */
final class PgEnvironment {
  private PgEnvironment() {}

  static void apply(ProcessBuilder pb, ConnectionUrl url) {
    Map<String, String> env = pb.environment();
    // Inherited libpq variables would silently change where we connect or how; the URL decides.
    // A URL without a host means libpq's default host, which PGHOST and PGPORT choose: keep them.
    boolean keepHost = url.usesDefaultHost();
    env.keySet()
        .removeIf(
            k -> k.startsWith("PG") && !(keepHost && (k.equals("PGHOST") || k.equals("PGPORT"))));
    if (!url.password().isEmpty()) {
      env.put("PGPASSWORD", url.password());
    }
    env.put("PGAPPNAME", "neon-s3-backup");
    env.put("LC_ALL", "C.UTF-8");
  }
}
