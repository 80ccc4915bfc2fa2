package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpScannerTest {
  private static final String DUMP =
      "--\n-- PostgreSQL database dump\n--\n\nSET x = 1;\n"
          + "COPY public.plain (id, note) FROM stdin;\n1\ta\n2\t\\\\.not end\n3\t\\.\n\\.\n\n"
          + "COPY \"My Schema\".\"Odd \"\"Tab\"\" (x)\" (\"a b\") FROM stdin;\n\n\\.\n\n"
          + "COPY public.empty (id) FROM stdin;\n\\.\n\n"
          + "-- COPY public.fake (id) FROM stdin;\nSELECT 1;\n"
          + "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc\n\n";

  @Test
  void countsRowsOfEveryCopyBlockWhateverTheChunking() {
    for (int chunk : new int[] {1, 2, 3, 7, 64, 100_000}) {
      DumpScanner s = feed(DUMP, chunk);
      assertThat(s.rowCounts())
          .as("chunk %d", chunk)
          .containsExactly(
              Map.entry("public.plain", 3L),
              Map.entry("\"My Schema\".\"Odd \"\"Tab\"\" (x)\"", 1L),
              Map.entry("public.empty", 0L));
      assertThat(s.complete()).isTrue();
      assertThat(s.bytes()).isEqualTo(DUMP.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aStreamCutShortIsNotComplete() {
    String cut = DUMP.substring(0, DUMP.indexOf("-- PostgreSQL database dump complete"));
    assertThat(feed(cut, 10).complete()).isFalse();
  }

  @Test
  void aStreamCutInsideCopyIsNotCompleteEvenIfDataLooksLikeATrailer() {
    String cut = "COPY public.t (x) FROM stdin;\n-- PostgreSQL database dump complete\n";
    assertThat(feed(cut, 5).complete()).isFalse();
  }

  @Test
  void theTrailerMustBeNearTheEnd() {
    String moved = DUMP + "x".repeat(5000) + "\n";
    assertThat(feed(moved, 4096).complete()).isFalse();
  }

  @Test
  void theTrailerSplitAcrossReadsIsFoundAtEveryCut() {
    String plain = "SELECT 1;\n\n--\n-- PostgreSQL database dump complete\n--\n\n";
    for (String dump : new String[] {DUMP, plain}) {
      byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);
      for (int cut = 1; cut < bytes.length; cut++) {
        DumpScanner s = new DumpScanner();
        s.accept(bytes, 0, cut);
        s.accept(bytes, cut, bytes.length - cut);
        assertThat(s.complete()).as("cut at %d", cut).isTrue();
      }
    }
  }

  @Test
  void blankLinesAfterTheTrailerOrItsUnrestrictLineAreAccepted() {
    String trailer = "SELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n";
    assertThat(feed(trailer, 7).complete()).isTrue();
    assertThat(feed(trailer + "\n\n \n\t\n", 7).complete()).isTrue();
    assertThat(feed(trailer + "\n\\unrestrict Ab9x\n", 7).complete()).isTrue();
    assertThat(feed(trailer + "\n\\unrestrict Ab9x\n\n\n", 7).complete()).isTrue();
    assertThat(feed(trailer.substring(0, trailer.length() - 1), 7).complete()).isTrue();
  }

  @Test
  void anythingButAnUnrestrictLineAfterTheTrailerIsNotAnEnd() {
    String trailer = "SELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n\n";
    assertThat(feed(trailer + "SELECT 2;\n", 5).complete()).isFalse();
    assertThat(feed(trailer + "\\unrestrict key\nSELECT 2;\n", 5).complete()).isFalse();
    assertThat(feed(trailer + "\\unrestrict\n", 5).complete()).isFalse();
    assertThat(feed(trailer + "\\unrestrict a b\n", 5).complete()).isFalse();
    assertThat(feed(trailer + "\\! rm -rf /\n", 5).complete()).isFalse();
    assertThat(feed(trailer + "--\n", 5).complete()).isFalse();
  }

  @Test
  void theTrailerTextInsideARowFollowedByMoreDataIsNotAnEnd() {
    String row = "x\\n--\\n-- PostgreSQL database dump complete\\n--";
    String dump =
        "COPY public.t (note) FROM stdin;\n"
            + "-- PostgreSQL database dump complete\n"
            + row
            + "\n\\.\n\n";
    assertThat(feed(dump, 3).complete()).isFalse();
    assertThat(feed(dump + "COPY public.u (x) FROM stdin;\n1\n\\.\n", 3).complete()).isFalse();
    assertThat(feed("SELECT 'a';\n-- PostgreSQL database dump complete\n", 3).complete()).isFalse();
  }

  private static DumpScanner feed(String text, int chunk) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    DumpScanner s = new DumpScanner();
    for (int off = 0; off < bytes.length; off += chunk) {
      byte[] buf = new byte[chunk + 4];
      int n = Math.min(chunk, bytes.length - off);
      System.arraycopy(bytes, off, buf, 2, n);
      s.accept(buf, 2, n);
    }
    return s;
  }
}
