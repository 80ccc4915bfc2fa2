package dev.neons3backup.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run plan and report as stored in the bucket: their JSON shapes and round trips. */
class RunPlanTest {
  private static final Instant RUN = Instant.parse("2026-12-02T02:00:00Z");

  private static RunPlan plan() {
    WorkItem listed = new WorkItem(RUN, "app-prod", new WorkItem.Listed("app-prod"), false);
    WorkItem neon =
        new WorkItem(
            RUN,
            "proj-1.br-main.shop",
            new WorkItem.Neon("proj-1", "br-main", "shop", "shop_owner"),
            true);
    return RunPlan.of(
        RUN,
        Instant.parse("2026-12-02T02:00:03Z"),
        List.of(
            RunPlan.Database.of(listed, new RoutePolicy.Route("queue", Optional.of("it is big"))),
            RunPlan.Database.of(neon, new RoutePolicy.Route("fargate", Optional.empty()))),
        List.of(new RunPlan.Rejected("broken", "database 'broken': bad URL")));
  }

  @Test
  void aPlanReadsBackAsItWasWritten() throws Exception {
    RunPlan plan = plan();
    assertThat(RunPlan.fromJson(plan.toJson())).isEqualTo(plan);
  }

  @Test
  void thePlansWorkItemsAreTheMessagesTheWorkerGets() throws Exception {
    RunPlan plan = RunPlan.fromJson(plan().toJson());
    assertThat(plan.databases().get(0).item(plan.runTime()).toJson())
        .isEqualTo(
            "{\"v\":1,\"run\":\"2026-12-02T02:00:00Z\",\"name\":\"app-prod\","
                + "\"source\":{\"kind\":\"listed\",\"entry\":\"app-prod\"},\"snapshot\":false}");
    WorkItem neon = plan.databases().get(1).item(plan.runTime());
    assertThat(neon.source())
        .isEqualTo(new WorkItem.Neon("proj-1", "br-main", "shop", "shop_owner"));
    assertThat(neon.snapshot()).isTrue();
  }

  @Test
  void thePlanHasTheContractsShapeAndLeavesOutWhatIsAbsent() {
    Map<String, Object> json = Json.toMap(plan());
    assertThat(json.keySet())
        .containsExactly("v", "run", "createdAt", "databases", "rejected", "part");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> databases = (List<Map<String, Object>>) json.get("databases");
    assertThat(databases.get(0))
        .containsEntry("route", "queue")
        .containsEntry("warning", "it is big")
        .containsEntry("source", Map.of("kind", "listed", "entry", "app-prod"));
    assertThat(databases.get(1)).doesNotContainKey("warning");
    assertThat(new String(plan().toJson(), StandardCharsets.UTF_8)).doesNotContain("null");
  }

  @Test
  void aContinuedPartNamesTheProjectsItLeftAndAnOldPlanReadsAsTheWholeRun() throws Exception {
    RunPlan part =
        RunPlan.of(RUN, 2, RUN, plan().databases(), List.of(), List.of("proj-7", "proj-9"));
    RunPlan back = RunPlan.fromJson(part.toJson());
    assertThat(back.part()).isEqualTo(2);
    assertThat(back.remaining()).containsExactly("proj-7", "proj-9");
    RunPlan old =
        RunPlan.fromJson(
            ("{\"v\":1,\"run\":\""
                    + RUN
                    + "\",\"createdAt\":\""
                    + RUN
                    + "\",\"databases\":[],\"rejected\":[]}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(old.part()).isOne();
    assertThat(old.remaining()).isEmpty();
    assertThat(Runs.planKey(RUN)).isEqualTo("_runs/2026-12-02_02-00-00/plan.json");
    assertThat(Runs.planKey(RUN, 3)).isEqualTo("_runs/2026-12-02_02-00-00/plan-3.json");
  }

  @Test
  void aReportReadsBackAsItWasWritten() throws Exception {
    RunReport report =
        RunReport.of(
            RUN,
            Instant.parse("2026-12-02T08:00:00Z"),
            3,
            2,
            List.of(new RunReport.Missing("gone", "no complete backup")),
            1);
    assertThat(RunReport.fromJson(report.toJson())).isEqualTo(report);
    assertThat(report.ok()).isFalse();
  }
}
