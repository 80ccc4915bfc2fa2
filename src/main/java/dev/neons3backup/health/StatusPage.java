package dev.neons3backup.health;

import dev.neons3backup.catalog.KeyTime;
import dev.neons3backup.io.Sizes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The {@code status --html} page: self-contained (inline CSS and SVG drawn here, no script, font or
 * image from anywhere), one chart per database of raw size and rows over its complete backups, with
 * its flags. Every text from the store goes through {@link #escape}: a database named {@code
 * <script>} is shown, never run.
 */
public final class StatusPage {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 180;
  private static final int PAD = 30;

  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;background:#fff}
      h1{font-size:1.4em;margin:0 0 .2em}
      .meta{color:#555;margin:0 0 1.5em}
      section{border:1px solid #ccc;border-radius:6px;padding:.8em 1em;margin:0 0 1em;
      break-inside:avoid;page-break-inside:avoid}
      section.flagged{border-color:#b00020}
      h2{font-size:1.1em;margin:0 0 .3em;word-break:break-all}
      .flag{display:inline-block;background:#b00020;color:#fff;border-radius:3px;
      padding:0 .4em;margin-right:.3em;font-size:.85em;font-weight:600}
      .ok{display:inline-block;background:#1b7f3b;color:#fff;border-radius:3px;padding:0 .4em;
      font-size:.85em}
      ul.why{margin:.3em 0;padding-left:1.2em;color:#b00020}
      .facts{color:#444;margin:.3em 0}
      svg{max-width:100%;height:auto;display:block}
      .raw{stroke:#1f5fbf;fill:none;stroke-width:2}
      .rows{stroke:#d9730d;fill:none;stroke-width:2;stroke-dasharray:5 3}
      .legend{font-size:12px}
      @media print{body{margin:0}section{border-color:#888}}
      """;

  private StatusPage() {}

  public static String render(List<DatabaseStatus> statuses, String location, Instant now) {
    long flagged = statuses.stream().filter(DatabaseStatus::flagged).count();
    StringBuilder b = new StringBuilder(4096 + statuses.size() * 2048);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<title>Backup status of ")
        .append(escape(location))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n<h1>Backup status</h1><p class=\"meta\">")
        .append(escape(location))
        .append(" · ")
        .append(statuses.size())
        .append(statuses.size() == 1 ? " database" : " databases")
        .append(", ")
        .append(flagged)
        .append(" flagged · generated ")
        .append(escape(KeyTime.format(now)))
        .append(" UTC</p>\n");
    if (statuses.isEmpty()) {
      b.append("<p>No backups.</p>\n");
    }
    statuses.forEach(s -> section(b, s));
    return b.append("</body></html>\n").toString();
  }

  private static void section(StringBuilder b, DatabaseStatus s) {
    b.append("<section class=\"database")
        .append(s.flagged() ? " flagged" : "")
        .append("\" data-name=\"")
        .append(escape(s.database()))
        .append("\"><h2>")
        .append(escape(s.database()))
        .append("</h2><div>");
    if (s.flagged()) {
      s.flags().forEach(f -> b.append("<span class=\"flag\">").append(f.label()).append("</span>"));
    } else {
      b.append("<span class=\"ok\">OK</span>");
    }
    b.append("</div>");
    if (!s.reasons().isEmpty()) {
      b.append("<ul class=\"why\">");
      s.reasons().forEach(r -> b.append("<li>").append(escape(r)).append("</li>"));
      b.append("</ul>");
    }
    b.append("<p class=\"facts\">").append(escape(facts(s))).append("</p>");
    chart(b, s.health().history());
    b.append("</section>\n");
  }

  private static String facts(DatabaseStatus s) {
    DatabaseHealth h = s.health();
    String newest =
        h.newest()
            .map(e -> "newest complete " + KeyTime.format(e.time()) + " UTC")
            .orElse("no complete backup");
    String verified =
        h.lastVerified().map(t -> "verified " + KeyTime.format(t)).orElse("never verified");
    String drill =
        h.drill()
            .map(d -> "drill " + d.outcome() + (d.finishedAt() == null ? "" : " " + d.finishedAt()))
            .orElse("never drilled");
    return newest + " · " + verified + " · " + drill;
  }

  /** Raw size and rows, each scaled to its own maximum, over the time of the complete backups. */
  private static void chart(StringBuilder b, List<DatabaseHealth.Point> points) {
    b.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append(
            "\" xmlns=\"http://www.w3.org/2000/svg\"><title>raw size and rows over time</title>")
        .append("<rect x=\"0.5\" y=\"0.5\" width=\"")
        .append(WIDTH - 1)
        .append("\" height=\"")
        .append(HEIGHT - 1)
        .append("\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
    if (points.isEmpty()) {
      b.append("<text x=\"20\" y=\"90\">no complete backup</text></svg>");
      return;
    }
    long maxRaw = points.stream().mapToLong(DatabaseHealth.Point::rawBytes).max().orElse(0);
    long maxRows = points.stream().mapToLong(DatabaseHealth.Point::totalRows).max().orElse(0);
    line(b, points, "raw", maxRaw, true);
    line(b, points, "rows", maxRows, false);
    legend(b, points, maxRaw, maxRows);
    b.append("</svg>");
  }

  private static void line(
      StringBuilder b, List<DatabaseHealth.Point> points, String css, long max, boolean raw) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      DatabaseHealth.Point p = points.get(i);
      path.append(fmt(x(points, i)))
          .append(',')
          .append(fmt(y(raw ? p.rawBytes() : p.totalRows(), max)))
          .append(' ');
    }
    b.append("<polyline class=\"").append(css).append("\" points=\"").append(path).append("\"/>");
    for (int i = 0; i < points.size(); i++) {
      DatabaseHealth.Point p = points.get(i);
      b.append("<circle class=\"")
          .append(css)
          .append("\" r=\"2.5\" cx=\"")
          .append(fmt(x(points, i)))
          .append("\" cy=\"")
          .append(fmt(y(raw ? p.rawBytes() : p.totalRows(), max)))
          .append("\"><title>")
          .append(KeyTime.format(p.time()))
          .append(": ")
          .append(
              raw
                  ? Sizes.bytes(p.rawBytes()) + " raw"
                  : String.format(Locale.ROOT, "%,d rows", p.totalRows()))
          .append("</title></circle>");
    }
  }

  private static void legend(
      StringBuilder b, List<DatabaseHealth.Point> points, long maxRaw, long maxRows) {
    int bottom = HEIGHT - 8;
    b.append("<g class=\"legend\"><text x=\"")
        .append(PAD)
        .append("\" y=\"14\" fill=\"#1f5fbf\">")
        .append("— raw size (max ")
        .append(Sizes.bytes(maxRaw))
        .append(")</text>")
        .append("<text x=\"")
        .append(WIDTH / 2)
        .append("\" y=\"14\" fill=\"#d9730d\">")
        .append("- - rows (max ")
        .append(String.format(Locale.ROOT, "%,d", maxRows))
        .append(")</text>")
        .append("<text x=\"")
        .append(PAD)
        .append("\" y=\"")
        .append(bottom)
        .append("\">")
        .append(KeyTime.format(points.get(0).time()))
        .append("</text>")
        .append("<text x=\"")
        .append(WIDTH - PAD)
        .append("\" y=\"")
        .append(bottom)
        .append("\" text-anchor=\"end\">")
        .append(KeyTime.format(points.get(points.size() - 1).time()))
        .append("</text></g>");
  }

  private static double x(List<DatabaseHealth.Point> points, int i) {
    if (points.size() == 1) {
      return WIDTH / 2.0;
    }
    long first = points.get(0).time().getEpochSecond();
    long span = Math.max(1, points.get(points.size() - 1).time().getEpochSecond() - first);
    return PAD
        + (double) (points.get(i).time().getEpochSecond() - first) / span * (WIDTH - 2 * PAD);
  }

  /** Zero at the bottom of the plot area, the maximum at its top. */
  private static double y(long value, long max) {
    double top = 24;
    double bottom = HEIGHT - 24;
    return max <= 0 ? bottom : bottom - (double) value / max * (bottom - top);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Text safe inside an element or a quoted attribute. */
  public static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
