package dev.neons3backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neons3backup.BackupException;
import dev.neons3backup.store.S3Clients;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

class FargateSettingsTest {
  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("FARGATE_CLUSTER", "c");
    env.put("FARGATE_TASK_DEFINITION", "td:1");
    env.put("FARGATE_SUBNETS", "subnet-1");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void noClusterMeansNoFargate() {
    assertThat(FargateSettings.from(Map.of("FARGATE_SUBNETS", "subnet-1"))).isEmpty();
    assertThat(FargateSettings.from(Map.of("FARGATE_CLUSTER", " "))).isEmpty();
  }

  @Test
  void readsTheTemplatesVariablesWithPrivateSubnetsByDefault() {
    FargateSettings f =
        FargateSettings.from(env("FARGATE_SUBNETS", " subnet-1 ,subnet-2,, ")).orElseThrow();
    assertThat(f.cluster()).isEqualTo("c");
    assertThat(f.taskDefinition()).isEqualTo("td:1");
    assertThat(f.subnets()).containsExactly("subnet-1", "subnet-2");
    assertThat(f.assignPublicIp()).isEqualTo("DISABLED");
    assertThat(f.endpoint()).isEmpty();
    assertThat(FargateSettings.from(env("FARGATE_ASSIGN_PUBLIC_IP", "enabled")).orElseThrow())
        .extracting(FargateSettings::assignPublicIp)
        .isEqualTo("ENABLED");
  }

  @Test
  void aClusterWithoutTaskDefinitionSubnetsOrAValidPublicIpChoiceIsOneLine() {
    Map<String, String> noTask = env();
    noTask.remove("FARGATE_TASK_DEFINITION");
    assertThatThrownBy(() -> FargateSettings.from(noTask))
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "FARGATE_TASK_DEFINITION is not set; FARGATE_CLUSTER needs it to start Fargate backups.");
    assertThatThrownBy(() -> FargateSettings.from(env("FARGATE_SUBNETS", ",")))
        .hasMessageStartingWith("FARGATE_SUBNETS names no subnet");
    assertThatThrownBy(() -> FargateSettings.from(env("FARGATE_ASSIGN_PUBLIC_IP", "yes")))
        .hasMessageStartingWith("FARGATE_ASSIGN_PUBLIC_IP is 'YES'; it must be DISABLED");
  }

  @Test
  void theEcsClientHonoursAwsEndpointUrlEcs() {
    Map<String, String> env =
        env("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:4599", "AWS_REGION", "eu-west-1");
    FargateSettings f = FargateSettings.from(env).orElseThrow();
    assertThat(f.endpoint()).contains(URI.create("http://127.0.0.1:4599"));
    try (EcsClient ecs = S3Clients.ecs(Settings.from(env), f.endpoint())) {
      assertThat(ecs.serviceClientConfiguration().endpointOverride())
          .isEqualTo(Optional.of(URI.create("http://127.0.0.1:4599")));
      assertThat(ecs.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
    }
  }
}
