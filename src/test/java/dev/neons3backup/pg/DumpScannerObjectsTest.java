package dev.neons3backup.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schema objects a drill expects, counted from pg_dump's headers as the dump streams past. */
class DumpScannerObjectsTest {
  private static final String DUMP =
      "--\n-- PostgreSQL database dump\n--\n\n"
          + "--\n-- Name: Sales; Type: SCHEMA; Schema: -; Owner: -\n--\n\nCREATE SCHEMA x;\n\n"
          + "--\n-- Name: t; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE t (a text);\n"
          + "--\n-- Name: odd; Type: TABLE; Type: VIEW; Schema: public; Owner: -\n--\n\n"
          + "--\n-- Name: mv; Type: MATERIALIZED VIEW; Schema: public; Owner: -\n--\n\n"
          + "--\n-- Name: t fk; Type: FK CONSTRAINT; Schema: public; Owner: -\n--\n\n"
          + "--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: -\n--\n\n"
          + "COPY public.t (a) FROM stdin;\n"
          // Rows that look like headers are data, never objects.
          + "--\n-- Name: fake; Type: TABLE; Schema: public; Owner: -\n\\.\n\n"
          + "SELECT 1;\n-- Name: notafterdashes; Type: TABLE; Schema: public; Owner: -\n"
          + "--\n-- Name: t_a_idx; Type: INDEX; Schema: public; Owner: -\n--\n\n"
          + "--\n-- PostgreSQL database dump complete\n--\n\n";

  private static final Map<String, Long> EXPECTED =
      Map.of(
          "SCHEMA", 1L,
          "TABLE", 1L,
          "VIEW", 1L,
          "MATERIALIZED VIEW", 1L,
          "FK CONSTRAINT", 1L,
          "INDEX", 1L);

  @Test
  void countsObjectHeadersByTypeOutsideCopyData() {
    DumpScanner s = new DumpScanner();
    byte[] bytes = DUMP.getBytes(StandardCharsets.UTF_8);
    s.accept(bytes, 0, bytes.length);
    assertThat(s.objectTypes()).isEqualTo(EXPECTED);
    assertThat(s.rowCounts()).containsEntry("public.t", 2L);
  }

  @Test
  void countsTheSameWhereverTheStreamIsSplit() {
    byte[] bytes = DUMP.getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < bytes.length; cut++) {
      for (int second = cut; second < bytes.length; second += 37) {
        DumpScanner s = new DumpScanner();
        s.accept(bytes, 0, cut);
        s.accept(bytes, cut, second - cut);
        s.accept(bytes, second, bytes.length - second);
        assertThat(s.objectTypes()).as("cuts at %d and %d", cut, second).isEqualTo(EXPECTED);
        assertThat(s.complete()).isTrue();
      }
    }
  }

  @Test
  void readsTheTypeFromANameThatHoldsTheSeparators() {
    assertThat(DumpScanner.objectType("-- Name: a; Type: b; Type: SEQUENCE; Schema: s; Owner: -"))
        .isEqualTo("SEQUENCE");
    assertThat(DumpScanner.objectType("-- Name: x; Schema: none")).isNull();
  }

  @Test
  void tellsTheRealTypeByTheSchemaWhenANameHoldsAWholeHeader() {
    String dump =
        "--\n-- Name: s; Type: TABLE; Schema: x; Type: SCHEMA; Schema: -; Owner: -\n--\n\n"
            + "--\n-- Name: t; Type: INDEX; Schema: y; Type: TABLE;"
            + " Schema: s; Type: TABLE; Schema: x; Owner: -\n--\n\n"
            + "--\n-- Name: i; Type: TABLE; Schema: z; Type: INDEX; Schema: public; Owner: -\n--\n";
    DumpScanner s = new DumpScanner();
    byte[] b = dump.getBytes(StandardCharsets.UTF_8);
    s.accept(b, 0, b.length);
    assertThat(s.objectTypes()).isEqualTo(Map.of("SCHEMA", 1L, "TABLE", 1L, "INDEX", 1L));
  }
}
