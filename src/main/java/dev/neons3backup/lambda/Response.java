package dev.neons3backup.lambda;

import dev.neons3backup.BackupReport;
import dev.neons3backup.json.ResultJson;
import java.util.List;

/** What a successful invocation returns: the summary line as {@code message}, and each result. */
record Response(int statusCode, String message, List<ResultJson> results) {
  static Response of(BackupReport report) {
    return new Response(
        200, report.summary(), report.results().stream().map(ResultJson::of).toList());
  }
}
