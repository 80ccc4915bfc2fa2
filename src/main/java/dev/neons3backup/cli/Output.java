package dev.neons3backup.cli;

import dev.neons3backup.json.Json;
import java.io.PrintWriter;
import java.util.Locale;

/** Where a command prints: results on stdout (text or JSON), progress on stderr. */
final class Output {
  final PrintWriter out;
  final PrintWriter err;
  final boolean json;
  private final boolean progress;

  Output(PrintWriter out, PrintWriter err, CommonOptions common) {
    this.out = out;
    this.err = err;
    this.json = common.json;
    this.progress = !common.quiet && !common.json && System.console() != null;
  }

  /** {@code value}, one of the view records of {@link Json}'s package, as indented JSON. */
  void json(Object value) {
    out.println(Json.pretty(value));
    out.flush();
  }

  /** A progress bar on the terminal; a no-op when piped, quiet or JSON. */
  Progress progress(String what, long total) {
    return progress ? new Progress.Terminal(err, what, total) : Progress.NONE;
  }

  /** {@code 1 backup}, {@code 2 backups}: the count (grouped) and the noun that agrees with it. */
  static String count(long n, String one, String many) {
    return count(n) + " " + (n == 1 ? one : many);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
