package dev.neons3backup.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neons3backup.catalog.Manifest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShrinkTest {
  private static Manifest manifest(long rawBytes, long rows) {
    return new Manifest(
        1,
        "shop",
        "shop/k.sql.gz",
        null,
        null,
        null,
        "gzip",
        null,
        rawBytes,
        1,
        "0",
        null,
        null,
        null,
        rows,
        Map.of(),
        null,
        null);
  }

  @Test
  void aFirstBackupNeverShrank() {
    assertTrue(Shrink.between(Optional.empty(), manifest(1, 1), 50).isEmpty());
  }

  @Test
  void aFallOfExactlyTheThresholdIsNotAShrink() {
    assertTrue(Shrink.between(Optional.of(manifest(1000, 10)), manifest(500, 5), 50).isEmpty());
  }

  @Test
  void rowsThatFellMoreThanTheThresholdAreNamedEvenWhenTheSizeHeld() {
    Shrink s =
        Shrink.between(Optional.of(manifest(1000, 100)), manifest(990, 10), 50).orElseThrow();
    assertEquals("rows", s.what());
    assertEquals(90, s.percent());
    assertTrue(s.describe().startsWith("shop: rows fell 90 %"), s.describe());
  }

  @Test
  void theMeasureThatFellFurtherIsTheOneNamed() {
    Shrink s =
        Shrink.between(Optional.of(manifest(1000, 100)), manifest(100, 40), 50).orElseThrow();
    assertEquals("raw size", s.what());
    assertEquals(90, s.percent());
  }

  @Test
  void growthAndAnEmptyPreviousBackupAreNeverShrinks() {
    assertTrue(Shrink.between(Optional.of(manifest(10, 1)), manifest(1000, 100), 50).isEmpty());
    assertTrue(Shrink.between(Optional.of(manifest(0, 0)), manifest(0, 0), 50).isEmpty());
  }
}
