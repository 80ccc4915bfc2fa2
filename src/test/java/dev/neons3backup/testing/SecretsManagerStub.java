package dev.neons3backup.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * A WireMock server on loopback answering the Secrets Manager {@code GetSecretValue} call (AWS JSON
 * 1.1: {@code POST /}, {@code X-Amz-Target: secretsmanager.GetSecretValue}, body {@code
 * {"SecretId": ...}}) with the documented response, one stub per secret id. Any other secret id
 * gets the service's 400 {@code ResourceNotFoundException}.
 */
public final class SecretsManagerStub {
  private static final String TARGET = "secretsmanager.GetSecretValue";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String ACCOUNT = "123456789012";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile SecretsManagerStub shared;

  private final WireMockServer server;
  private final Map<String, UUID> stubs = new ConcurrentHashMap<>();

  private SecretsManagerStub() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    server.stubFor(getSecretValue().atPriority(10).willReturn(notFound()));
  }

  /** The stub shared by all tests of this JVM; secrets are keyed by id, so use unique ids. */
  public static SecretsManagerStub shared() {
    SecretsManagerStub stub = shared;
    if (stub == null) {
      synchronized (SecretsManagerStub.class) {
        if (shared == null) {
          long started = System.nanoTime();
          SecretsManagerStub created = new SecretsManagerStub();
          Runtime.getRuntime()
              .addShutdownHook(new Thread(created.server::stop, "stop-secrets-manager-stub"));
          System.out.printf(
              "Secrets Manager stub started on %s in %d ms%n",
              created.endpoint(), (System.nanoTime() - started) / 1_000_000);
          shared = created;
        }
        stub = shared;
      }
    }
    return stub;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** Makes {@code GetSecretValue(secretId)} return {@code secretString}, replacing any earlier. */
  public void putSecret(String secretId, String secretString) {
    StubMapping stub =
        server.stubFor(
            getSecretValue()
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(secretId)))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody(secretValue(secretId, secretString))));
    UUID previous = stubs.put(secretId, stub.getId());
    if (previous != null) {
      server.removeStubMapping(previous);
    }
  }

  /** From now on {@code GetSecretValue(secretId)} fails with ResourceNotFoundException. */
  public void removeSecret(String secretId) {
    UUID previous = stubs.remove(secretId);
    if (previous != null) {
      server.removeStubMapping(previous);
    }
  }

  /** How many GetSecretValue calls asked for {@code secretId} so far. */
  public int requestCount(String secretId) {
    return server
        .findAll(
            postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(TARGET))
                .withRequestBody(matchingJsonPath("$.SecretId", equalTo(secretId))))
        .size();
  }

  /** A builder for a real client pointed here: us-east-1, dummy credentials. */
  public SecretsManagerClientBuilder clientBuilder() {
    return SecretsManagerClient.builder()
        .endpointOverride(endpoint())
        .region(AwsTestCredentials.REGION)
        .credentialsProvider(AwsTestCredentials.provider())
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /** A new client; the caller closes it. */
  public SecretsManagerClient client() {
    return clientBuilder().build();
  }

  private static MappingBuilder getSecretValue() {
    return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder notFound() {
    return aResponse()
        .withStatus(400)
        .withHeader("Content-Type", CONTENT_TYPE)
        .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
        .withBody(
            "{\"__type\":\"ResourceNotFoundException\","
                + "\"message\":\"Secrets Manager can't find the specified secret.\"}");
  }

  /** The documented GetSecretValue response; timestamps are epoch seconds as in AWS JSON 1.1. */
  private static String secretValue(String secretId, String secretString) {
    boolean isArn = secretId.startsWith("arn:");
    String name =
        isArn
            ? secretId.substring(secretId.indexOf(":secret:") + 8).replaceFirst("-\\w{6}$", "")
            : secretId;
    String arn =
        isArn
            ? secretId
            : "arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:" + name + "-AbCdEf";
    ObjectNode body = JSON.createObjectNode();
    body.put("ARN", arn);
    body.put("Name", name);
    body.put(
        "VersionId",
        UUID.nameUUIDFromBytes(secretString.getBytes(StandardCharsets.UTF_8)).toString());
    body.put("SecretString", secretString);
    body.putArray("VersionStages").add("AWSCURRENT");
    body.put("CreatedDate", Instant.now().getEpochSecond());
    return body.toString();
  }
}
