package dev.neons3backup.dump;

import java.nio.charset.StandardCharsets;

/**
 * Watches a plain-format dump being read back and tells whether it ended exactly as pg_dump ends a
 * complete dump: its completion trailer at the very end of the stream, outside any COPY data. Only
 * blank lines may follow, and the "unrestrict KEY" meta-command line that pg_dump writes after the
 * trailer since the fix for CVE-2025-8714 (15.14, 16.10, 17.6 and later).
 */
public final class DumpEnd {
  private static final int TAIL = 1024;
  private static final String TRAILER = "\n--\n-- PostgreSQL database dump complete\n--";

  private final DumpScanner scanner = new DumpScanner();
  private final byte[] tail = new byte[TAIL];
  private long total;

  public void accept(byte[] buf, int off, int len) {
    scanner.accept(buf, off, len);
    if (len >= TAIL) {
      System.arraycopy(buf, off + len - TAIL, tail, 0, TAIL);
    } else {
      System.arraycopy(tail, len, tail, 0, TAIL - len);
      System.arraycopy(buf, off, tail, TAIL - len, len);
    }
    total += len;
  }

  /** Whether the stream read so far is a whole dump: it ends with the trailer, outside COPY. */
  public boolean complete() {
    int n = (int) Math.min(total, TAIL);
    return !scanner.inCopy()
        && endsWithTrailer(new String(tail, TAIL - n, n, StandardCharsets.UTF_8));
  }

  /** Whether {@code text} ends with the trailer, followed by nothing but blanks and unrestrict. */
  static boolean endsWithTrailer(String text) {
    String end = text.replace("\r\n", "\n").stripTrailing();
    int lastLine = end.lastIndexOf('\n') + 1;
    if (end.startsWith("\\unrestrict ", lastLine)
        && end.substring(lastLine + "\\unrestrict ".length()).strip().matches("[A-Za-z0-9]+")) {
      end = end.substring(0, lastLine).stripTrailing();
    }
    return end.endsWith(TRAILER);
  }
}
