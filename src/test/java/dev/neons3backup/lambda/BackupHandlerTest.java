package dev.neons3backup.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupHandlerTest {
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-11-24T13:14:15.678Z"), ZoneOffset.UTC);

  @Test
  void keysComeFromTheScheduledTimeOfTheEvent() {
    assertThat(BackupHandler.keyTime(Map.of("time", "2026-11-24T02:00:00Z"), clock))
        .isEqualTo(Instant.parse("2026-11-24T02:00:00Z"));
  }

  @Test
  void keysComeFromTheInvocationTimeWithoutAnEventTime() {
    assertThat(BackupHandler.keyTime(Map.of(), clock)).isEqualTo(clock.instant());
    assertThat(BackupHandler.keyTime(null, clock)).isEqualTo(clock.instant());
    assertThat(BackupHandler.keyTime(Map.of("time", "yesterday"), clock))
        .isEqualTo(clock.instant());
  }
}
