package dev.neons3backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartSizerTest {
  private final PartSizer sizer = new PartSizer(8 * 1024 * 1024);

  @Test
  void startsAtTheFirstSizeAndDoublesEvery800Parts() {
    assertThat(sizer.sizeOf(1)).isEqualTo(8 << 20);
    assertThat(sizer.sizeOf(800)).isEqualTo(8 << 20);
    assertThat(sizer.sizeOf(801)).isEqualTo(16 << 20);
    assertThat(sizer.sizeOf(1601)).isEqualTo(32 << 20);
  }

  @Test
  void tenThousandPartsHoldTheLargestObjectS3Accepts() {
    assertThat(sizer.capacity()).isGreaterThanOrEqualTo(5L << 40);
  }

  @Test
  void everyPartFitsS3Limits() {
    for (int n = 1; n <= PartSizer.MAX_PARTS; n++) {
      assertThat(sizer.sizeOf(n)).isBetween(PartSizer.MIN_PART, 1 << 30);
    }
    assertThatThrownBy(() -> sizer.sizeOf(PartSizer.MAX_PARTS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesPartsBelowTheS3Minimum() {
    assertThatThrownBy(() -> new PartSizer(1024)).isInstanceOf(IllegalArgumentException.class);
  }
}
