package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.config.ConnectionUrl;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The argv and environment of a client program: the password only ever in the environment. */
class PgClientTest {
  private static final String PASSWORD = "S3cr@t pw/é";
  private static final ConnectionUrl URL =
      ConnectionUrl.parse(
          "shop", "postgresql://owner:S3cr%40t%20pw%2F%C3%A9@db.example:5432/shop?sslmode=require");
  private static final PgBinary BIN = new PgBinary(Path.of("/usr/lib/postgresql/15/bin"), 15, "15");

  @Test
  void theTestUrlReallyHasThePassword() {
    assertThat(URL.password()).isEqualTo(PASSWORD);
  }

  @Test
  void pgDumpsArgvNeverHoldsThePassword() {
    List<String> argv = PgClient.pgDumpArgv(BIN, URL, List.of("--format=plain"));

    assertThat(argv)
        .startsWith("/usr/lib/postgresql/15/bin/pg_dump", "--format=plain")
        .contains("--no-password")
        .endsWith("--dbname", URL.withoutPassword());
    assertNoPassword(argv);
  }

  @Test
  void psqlsArgvNeverHoldsThePasswordAndStopsAtTheFirstError() {
    List<String> argv = PgClient.psqlArgv(BIN, URL, List.of("--output=/dev/null"));

    assertThat(argv)
        .startsWith("/usr/lib/postgresql/15/bin/psql", "--no-psqlrc", "--no-password")
        .contains("--set=ON_ERROR_STOP=1", "--output=/dev/null")
        .endsWith("--dbname", URL.withoutPassword());
    assertNoPassword(argv);
  }

  @Test
  void thePasswordGoesInTheEnvironmentAndInheritedLibpqSettingsDoNot() {
    ProcessBuilder pb = new ProcessBuilder("true");
    pb.environment().put("PGHOST", "elsewhere");
    pb.environment().put("PGSSLMODE", "disable");
    pb.environment().put("PGPASSWORD", "inherited");

    PgEnvironment.apply(pb, URL);

    assertThat(pb.environment())
        .containsEntry("PGPASSWORD", PASSWORD)
        .containsEntry("PGAPPNAME", "neon-s3-backup")
        .doesNotContainKeys("PGHOST", "PGSSLMODE");
  }

  private static void assertNoPassword(List<String> argv) {
    assertThat(argv)
        .noneMatch(a -> a.contains(PASSWORD))
        .noneMatch(a -> a.contains("S3cr%40t"))
        .noneMatch(a -> a.contains("S3cr@t"));
  }
}
