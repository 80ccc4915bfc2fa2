package dev.neons3backup.lambda;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.neons3backup.BackupReport;
import dev.neons3backup.json.ResultJson;
import java.util.List;

/**
 * What a successful invocation returns: the summary line as {@code message}, each result, and —
 * only when there are any — the changes discovery found since the last run ({@code changes}).
 */
record Response(
    int statusCode,
    String message,
    List<ResultJson> results,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> changes) {
  static Response of(BackupReport report) {
    return of(report, List.of());
  }

  static Response of(BackupReport report, List<String> changes) {
    return new Response(
        200,
        report.summary(),
        report.results().stream().map(ResultJson::of).toList(),
        List.copyOf(changes));
  }
}
