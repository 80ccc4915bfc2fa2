package dev.neons3backup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RestorerTest {
  @Test
  void theTemporaryDatabaseNameIsTheTargetWithASuffix() {
    assertThat(Restorer.temporaryName("shop", "0a1b2c3d")).isEqualTo("shop_restoring_0a1b2c3d");
  }

  @Test
  void theTemporaryNameFitsPostgresIdentifierLimitInWholeCharacters() {
    String name = Restorer.temporaryName("é".repeat(40), "0a1b2c3d");
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    assertThat(name).startsWith("é".repeat(22)).endsWith("_restoring_0a1b2c3d");
    assertThat(Restorer.temporaryName("x".repeat(63), "0a1b2c3d")).hasSize(63);
  }

  @Test
  void aTargetWithOneTableSaysTableInTheSingular() {
    assertThat(Restorer.notEmpty("shop", 1))
        .startsWith("database 'shop' already has 1 table or view; restore into an empty database");
    assertThat(Restorer.notEmpty("shop", 2))
        .startsWith("database 'shop' already has 2 tables or views;");
  }
}
