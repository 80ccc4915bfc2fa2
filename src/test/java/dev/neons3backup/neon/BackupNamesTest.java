package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.config.DatabaseTarget;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackupNamesTest {
  @Test
  void isBuiltFromIdsSoARenamedProjectKeepsItsName() {
    // The project's and branch's names are not inputs: renaming them cannot change the name.
    assertThat(BackupNames.of("shiny-wind-028834", "br-small-term-683261", "neondb"))
        .isEqualTo("shiny-wind-028834.br-small-term-683261.neondb");
  }

  @Test
  void isTheSameOnEveryRun() {
    String a = BackupNames.of("p-1", "br-1", "my app/é");
    assertThat(BackupNames.of("p-1", "br-1", "my app/é")).isEqualTo(a);
  }

  @Test
  void keepsDatabasesThatLookAlikeApartAndEveryNameIsASafeSegment() {
    List<String> dbs =
        List.of(
            "my app",
            "my_app",
            "my/app",
            "my__app",
            "MyApp",
            "myapp",
            "é",
            "_",
            "-x",
            ".hidden",
            "x-h0123456789",
            "a b-h0123456789",
            "日本語",
            "a".repeat(63));
    Set<String> names = new HashSet<>();
    for (String db : dbs) {
      String name = BackupNames.of("p-1", "br-1", db);
      DatabaseTarget.checkName(name);
      assertThat(name).matches("[A-Za-z0-9._-]+").startsWith("p-1.br-1.");
      names.add(name);
    }
    assertThat(names).hasSameSizeAs(dbs);
  }

  @Test
  void leavesASafeDatabaseNameReadable() {
    assertThat(BackupNames.databasePart("orders_2024")).isEqualTo("orders_2024");
    assertThat(BackupNames.databasePart("my app")).startsWith("my_app-h");
  }
}
