package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgVersionsTest {
  private static final String HEADER =
      "--\n-- PostgreSQL database dump\n--\n\n"
          + "-- Dumped from database version 16.4 (Neon)\n"
          + "-- Dumped by pg_dump version 17.2 (Debian 17.2-1.pgdg120+1)\n\nSET x = 0;\n";

  @Test
  void readsTheServerAndPgDumpVersionsFromTheDumpsHeader() {
    assertThat(PgVersions.dumpedFrom(HEADER)).isEqualTo("16.4");
    assertThat(PgVersions.dumpedBy(HEADER)).isEqualTo("17.2");
    assertThat(PgVersions.dumpedBy("SET x = 0;\n")).isEqualTo("unknown");
  }

  @Test
  void formatsTheServerVersionNumberAsPeopleWriteIt() {
    assertThat(PgVersions.server(150014)).isEqualTo("15.14");
    assertThat(PgVersions.server(170000)).isEqualTo("17.0");
    assertThat(PgVersions.server(90624)).isEqualTo("90624");
  }

  @Test
  void readsTheClientVersionFromPgDumpsVersionLine() {
    Path dir = Path.of("/usr/lib/postgresql/15/bin");
    assertThat(PgVersions.client(dir, "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"))
        .contains(new PgBinary(dir, 15, "15.14"));
    assertThat(PgVersions.client(dir, "pg_dump (PostgreSQL) 18devel\n"))
        .contains(new PgBinary(dir, 18, "18"));
  }

  @Test
  void refusesClientsOlderThanTenAndOutputWithoutAVersion() {
    Path dir = Path.of("/opt/pg/bin");
    assertThat(PgVersions.client(dir, "pg_dump (PostgreSQL) 9.6.24\n")).isEmpty();
    assertThat(PgVersions.client(dir, "command not found\n")).isEmpty();
  }
}
