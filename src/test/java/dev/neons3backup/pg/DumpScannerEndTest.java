package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DumpScannerEndTest {
  private static final String BODY =
      "--\n-- PostgreSQL database dump\n--\n\n\\restrict abcDEF123\n\n"
          + "CREATE TABLE public.t (a text);\nCOPY public.t (a) FROM stdin;\nx\n\\.\n\n";
  private static final String TRAILER = "\n--\n-- PostgreSQL database dump complete\n--\n\n";

  private static boolean complete(String dump) {
    DumpScanner end = new DumpScanner();
    byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 7) {
      end.accept(bytes, i, Math.min(7, bytes.length - i));
    }
    return end.complete();
  }

  @Test
  void aDumpEndingWithItsTrailerIsComplete() {
    assertThat(complete(BODY + TRAILER)).isTrue();
  }

  @Test
  void theUnrestrictLineOfRecentPgDumpMayFollowTheTrailer() {
    assertThat(complete(BODY + TRAILER + "\\unrestrict abcDEF123\n\n")).isTrue();
  }

  @Test
  void aTrailerFollowedByAnythingElseIsNotTheEnd() {
    assertThat(complete(BODY + TRAILER + "CREATE TABLE public.u (a int);\n")).isFalse();
    assertThat(complete(BODY + TRAILER + "\\unrestrict abcDEF123\nSELECT 1;\n")).isFalse();
    assertThat(complete(BODY + TRAILER + "\\! rm -rf /\n")).isFalse();
  }

  @Test
  void aDumpCutBeforeItsTrailerIsIncomplete() {
    assertThat(complete(BODY)).isFalse();
    assertThat(complete(BODY + TRAILER.substring(0, 30))).isFalse();
    assertThat(complete("")).isFalse();
  }

  @Test
  void theTrailerTextInsideCopyDataIsNotTheEnd() {
    String cut = "COPY public.notes (body) FROM stdin;\nfirst\n" + TRAILER.substring(1);
    assertThat(complete(BODY + cut)).isFalse();
  }

  @Test
  void aLongDumpIsJudgedByItsEndOnly() {
    String rows = "row\n".repeat(100_000);
    String dump = BODY + "COPY public.t (a) FROM stdin;\n" + rows + "\\.\n" + TRAILER;
    assertThat(complete(dump)).isTrue();
    assertThat(complete(dump.replace("dump complete", "dump incomplete"))).isFalse();
  }
}
