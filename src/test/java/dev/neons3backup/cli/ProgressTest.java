package dev.neons3backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.io.Sizes;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void drawsBytesRateAndEtaWhenTheSizeIsKnownAndClearsItsLine() {
    StringWriter text = new StringWriter();
    Progress.Terminal bar =
        new Progress.Terminal(new PrintWriter(text), "restoring shop", 10L << 20);
    bar.accept(5L << 20);
    assertThat(text.toString())
        .startsWith("\rrestoring shop [############            ] 5.0 MiB / 10.0 MiB, ETA ")
        .contains("/s");
    bar.close();
    assertThat(text.toString()).endsWith("\r" + " ".repeat(78) + "\r");
  }

  @Test
  void drawsOnlyBytesAndRateWhenTheSizeIsUnknown() {
    StringWriter text = new StringWriter();
    Progress.Terminal bar = new Progress.Terminal(new PrintWriter(text), "backing up", 0);
    bar.accept(1536);
    assertThat(text.toString()).startsWith("\rbacking up 1.5 KiB, ").doesNotContain("ETA", "[");
  }

  @Test
  void sizesAreHumanReadable() {
    assertThat(Sizes.bytes(999)).isEqualTo("999 B");
    assertThat(Sizes.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(Output.count(1234567)).isEqualTo("1,234,567");
  }
}
