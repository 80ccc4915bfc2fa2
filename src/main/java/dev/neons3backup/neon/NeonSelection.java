package dev.neons3backup.neon;

import dev.neons3backup.BackupException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which projects, branches and databases discovery keeps.
 *
 * <p>Each filter is a list of globs ({@code *} any run of characters, {@code ?} one character,
 * whole value, case-sensitive). A glob that starts with {@code !} excludes. A value is kept when it
 * matches some include (or there is none) and no exclude. Projects match on name or id; branches on
 * name or id; databases on name.
 *
 * <p>Branches: by default each project's default branch only; {@link Branches#ALL} every branch;
 * {@link Branches#GLOB} those matching {@code branches}.
 */
public record NeonSelection(
    List<String> projects, Branches branchMode, List<String> branches, List<String> databases) {

  /** Which branches of a selected project are kept. */
  public enum Branches {
    DEFAULT,
    ALL,
    GLOB
  }

  public NeonSelection {
    projects = List.copyOf(projects);
    branches = List.copyOf(branches);
    databases = List.copyOf(databases);
    if (branchMode == Branches.GLOB && branches.isEmpty()) {
      throw BackupException.config("a branch selection by glob needs at least one glob.");
    }
    for (List<String> globs : List.of(projects, branches, databases)) {
      globs.forEach(NeonSelection::checkGlob);
    }
  }

  /** Every project, each one's default branch, every database. */
  public static NeonSelection everything() {
    return new NeonSelection(List.of(), Branches.DEFAULT, List.of(), List.of());
  }

  /**
   * From the CLI's flags: {@code --project}, {@code --branch}, {@code --database} globs and {@code
   * --all-branches} (which, with {@code --branch} globs, still keeps only the matching branches).
   */
  public static NeonSelection of(
      List<String> projects, List<String> branches, boolean allBranches, List<String> databases) {
    Branches mode =
        !branches.isEmpty() ? Branches.GLOB : allBranches ? Branches.ALL : Branches.DEFAULT;
    return new NeonSelection(projects, mode, branches, databases);
  }

  public boolean project(NeonApi.Project p) {
    return keeps(projects, p.name(), p.id());
  }

  public boolean branch(NeonApi.Branch b) {
    return switch (branchMode) {
      case DEFAULT -> b.isDefault();
      case ALL -> true;
      case GLOB -> keeps(branches, b.name(), b.id());
    };
  }

  public boolean database(String name) {
    return keeps(databases, name);
  }

  /** Kept when some include matches one of the values (or there is none) and no exclude does. */
  static boolean keeps(List<String> globs, String... values) {
    List<String> includes = new ArrayList<>();
    for (String g : globs) {
      if (g.startsWith("!")) {
        if (anyMatches(g.substring(1), values)) {
          return false;
        }
      } else {
        includes.add(g);
      }
    }
    return includes.isEmpty() || includes.stream().anyMatch(g -> anyMatches(g, values));
  }

  private static boolean anyMatches(String glob, String... values) {
    Pattern p = toRegex(glob);
    for (String v : values) {
      if (p.matcher(v).matches()) {
        return true;
      }
    }
    return false;
  }

  static Pattern toRegex(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  private static void checkGlob(String glob) {
    if (glob == null || glob.isEmpty() || glob.equals("!")) {
      throw BackupException.config(
          "an empty Neon selection glob was given; give a name, an id or a pattern such as"
              + " 'shop-*' (or '!staging-*' to exclude).");
    }
  }
}
