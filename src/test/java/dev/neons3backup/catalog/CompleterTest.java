package dev.neons3backup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompleterTest {
  private static final String HEADER =
      "--\n-- PostgreSQL database dump\n--\n\n"
          + "-- Dumped from database version 16.4 (Neon)\n"
          + "-- Dumped by pg_dump version 17.2 (Debian 17.2-1.pgdg120+1)\n\nSET x = 0;\n";

  @Test
  void readsTheServerAndPgDumpVersionsFromTheDumpsHeader() {
    assertThat(Completer.version(HEADER, "-- Dumped from database version ")).isEqualTo("16.4");
    assertThat(Completer.version(HEADER, "-- Dumped by pg_dump version ")).isEqualTo("17.2");
    assertThat(Completer.version("SET x = 0;\n", "-- Dumped by pg_dump version "))
        .isEqualTo("unknown");
  }
}
