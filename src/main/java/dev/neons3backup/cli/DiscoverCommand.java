package dev.neons3backup.cli;

import dev.neons3backup.io.Sizes;
import dev.neons3backup.neon.DiscoveredDatabase;
import dev.neons3backup.neon.NeonApi;
import dev.neons3backup.neon.NeonConfig;
import dev.neons3backup.neon.NeonDiscovery;
import dev.neons3backup.neon.NeonSelection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** Prints what Neon discovery selects, dumping nothing. The key comes from NEON_API_KEY. */
@Command(
    name = "discover",
    description = {
      "List the Neon databases that discovery selects (NEON_API_KEY; NEON_ORG_ID for a personal"
          + " key in several organizations), without dumping anything.",
      "Globs: * and ?, a leading ! excludes; repeat a flag for several."
    })
final class DiscoverCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin HelpOption help;

  @Mixin NeonSelectionOptions select;

  @Override
  public Integer call() {
    NeonSelection selection =
        NeonSelection.of(select.projects, select.branches, select.allBranches, select.databases);
    NeonConfig config = NeonConfig.from(main.invocation.env());
    List<DiscoveredDatabase> found =
        new NeonDiscovery(new NeonApi(config), config).discover(selection);
    PrintWriter out = main.spec.commandLine().getOut();
    if (main.common.json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      found.forEach(d -> rows.add(json(d)));
      new Output(out, main.spec.commandLine().getErr(), main.common).json(rows);
      return 0;
    }
    table(out, found);
    return 0;
  }

  private static void table(PrintWriter out, List<DiscoveredDatabase> found) {
    if (found.isEmpty()) {
      out.println("No Neon database matches the selection.");
      out.flush();
      return;
    }
    String row = "%-50s  %-24s  %-20s  %-20s  %10s  %s%n";
    out.printf(row, "NAME", "PROJECT", "BRANCH", "DATABASE", "SIZE", "PG");
    for (DiscoveredDatabase d : found) {
      out.printf(
          row,
          d.name(),
          d.projectName(),
          d.branchName(),
          d.database(),
          d.branchLogicalSize().isPresent() ? Sizes.bytes(d.branchLogicalSize().getAsLong()) : "?",
          d.pgVersion());
    }
    out.println(Output.count(found.size(), "database", "databases"));
    out.flush();
  }

  private static Map<String, Object> json(DiscoveredDatabase d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("project_id", d.projectId());
    m.put("project", d.projectName());
    m.put("branch_id", d.branchId());
    m.put("branch", d.branchName());
    m.put("default_branch", d.defaultBranch());
    m.put("database", d.database());
    m.put("owner", d.ownerRole());
    m.put("pg_version", d.pgVersion());
    m.put(
        "branch_logical_size",
        d.branchLogicalSize().isPresent() ? d.branchLogicalSize().getAsLong() : null);
    return m;
  }
}
