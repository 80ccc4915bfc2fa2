package dev.neons3backup.neon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neons3backup.catalog.NeonOrigin;
import dev.neons3backup.config.DatabaseTarget;
import dev.neons3backup.config.TargetList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The pure part of resolving: listed and discovered merged, each database once. */
class TargetResolverTest {
  private static DiscoveredDatabase found(String host, String db) {
    return new DiscoveredDatabase(
        BackupNames.of("p-1", "br-2", db),
        "p-1",
        "shop",
        "br-2",
        "main",
        true,
        db,
        "owner",
        16,
        OptionalLong.empty(),
        "postgresql://owner:RolePw@" + host + "/" + db + "?sslmode=require");
  }

  @Test
  void aListedPoolerUrlAndTheSameDiscoveredDatabaseAreBackedUpOnceUnderTheListedName() {
    TargetList listed =
        TargetList.of(
            List.of(
                DatabaseTarget.of(
                    "orders-prod",
                    "postgresql://me:pw@EP-X-1-pooler.us-east-2.aws.neon.tech:5432/orders")));
    TargetResolver.Merged m =
        TargetResolver.merge(
            listed,
            List.of(
                found("ep-x-1.us-east-2.aws.neon.tech", "orders"),
                found("ep-x-1.us-east-2.aws.neon.tech", "users")));
    assertThat(m.listed()).extracting(DatabaseTarget::name).containsExactly("orders-prod");
    assertThat(m.listed().get(0).origin()).contains(NeonOrigin.of("p-1", "br-2", "orders"));
    assertThat(m.discovered()).extracting(DiscoveredDatabase::database).containsExactly("users");
    assertThat(m.rejected()).isEmpty();
  }

  @Test
  void anotherPortOrDatabaseIsAnotherDatabase() {
    TargetList listed =
        TargetList.of(
            List.of(
                DatabaseTarget.of("a", "postgresql://me:pw@ep-x-1.aws.neon.tech:6543/orders"),
                DatabaseTarget.of("b", "postgresql://me:pw@ep-x-1.aws.neon.tech/orders2")));
    TargetResolver.Merged m =
        TargetResolver.merge(listed, List.of(found("ep-x-1.aws.neon.tech", "orders")));
    assertThat(m.listed()).allSatisfy(t -> assertThat(t.origin()).isEmpty());
    assertThat(m.discovered()).hasSize(1);
  }

  @Test
  void aDiscoveredNameTakenByAListedDatabaseFailsThatOneNotTheRun() {
    String name = BackupNames.of("p-1", "br-2", "orders");
    TargetList listed =
        TargetList.of(List.of(DatabaseTarget.of(name, "postgresql://me:pw@elsewhere/orders")));
    TargetResolver.Merged m =
        TargetResolver.merge(listed, List.of(found("ep-x-1.aws.neon.tech", "orders")));
    assertThat(m.discovered()).isEmpty();
    assertThat(m.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains(name));
  }

  @Test
  void namesTheChangesInExtraLines() {
    ResolvedTargets r =
        new ResolvedTargets(
            TargetList.of(List.of()), List.of("a.br-b.c"), List.of("d.br-e.f"), List.of());
    assertThat(r.changeLines())
        .containsExactly("newly discovered: a.br-b.c", "no longer discovered: d.br-e.f");
  }
}
