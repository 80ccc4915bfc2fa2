package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JvmSettingsTest {
  @Test
  void readsTheLevelAndHeapOfThisJvm() {
    JvmSettings jvm = JvmSettings.current();
    assertThat(jvm.tieredStopAtLevel()).get().isIn(0, 1, 2, 3, 4);
    assertThat(jvm.tieredCompilation()).isPresent();
    assertThat(jvm.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    boolean levelOnCommandLine =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel="));
    if (!levelOnCommandLine) {
      assertThat(jvm.tieredStopAtLevel()).contains(4); // HotSpot's default
    }
  }

  @Test
  void namesTheCompilerEachLevelReaches() {
    assertThat(settings(true, 1).compiler()).isEqualTo("C1");
    assertThat(settings(true, 3).compiler()).isEqualTo("C1");
    assertThat(settings(true, 4).compiler()).isEqualTo("C2");
    assertThat(settings(true, 0).compiler()).isEqualTo("interpreter");
    // Without tiered compilation HotSpot compiles with C2 alone, whatever the stop level says.
    assertThat(settings(false, 1).compiler()).isEqualTo("C2");
    assertThat(new JvmSettings(Optional.empty(), Optional.empty(), 0).compiler())
        .isEqualTo("unknown");
  }

  @Test
  void describesTheSettingsInOneLine() {
    assertThat(new JvmSettings(Optional.of(true), Optional.of(1), 1536L << 20).describe())
        .isEqualTo(
            "JVM settings: TieredCompilation=true TieredStopAtLevel=1 (JIT up to C1),"
                + " max heap 1536 MiB");
  }

  private static JvmSettings settings(boolean tiered, int level) {
    return new JvmSettings(Optional.of(tiered), Optional.of(level), 64L << 20);
  }
}
