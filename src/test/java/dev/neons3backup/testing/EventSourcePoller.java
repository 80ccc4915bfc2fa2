package dev.neons3backup.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, for the tests: {@code concurrency} pollers each
 * receive one message at a time (batch size 1), invoke the worker with an SQS event, delete the
 * message when the response does not list it in {@code batchItemFailures}, and otherwise leave it
 * to reappear after its visibility timeout (and, after the queue's maxReceiveCount, to be moved to
 * the dead-letter queue by the server). {@link #drain()} returns when the queue holds nothing, not
 * even in flight, and no worker runs.
 */
public final class EventSourcePoller {
  /** The invoked function: the SQS event in, the batch response out. */
  @FunctionalInterface
  public interface Worker {
    Map<String, Object> invoke(Map<String, Object> event);
  }

  /** Counts over one drain. */
  public record Stats(int invocations, int deleted, int leftForRedelivery) {}

  /**
   * Empty receives in a row (1 s long polls each) before the drain gives up: a bound, not a wait.
   */
  private static final int MAX_IDLE_POLLS = 300;

  private final SqsClient sqs;
  private final String queueUrl;
  private final List<Worker> workers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger deleted = new AtomicInteger();
  private final AtomicInteger left = new AtomicInteger();

  /** {@code concurrency} pollers sharing one in-process worker (thread-safe, as the handler is). */
  public EventSourcePoller(SqsClient sqs, String queueUrl, int concurrency, Worker worker) {
    this(sqs, queueUrl, java.util.Collections.nCopies(concurrency, worker));
  }

  /**
   * One poller per worker, as Lambda gives each concurrent invocation its own execution
   * environment: a worker is never invoked twice at once, so the concurrency is {@code
   * workers.size()} (the mapping's MaximumConcurrency).
   */
  public EventSourcePoller(SqsClient sqs, String queueUrl, List<Worker> workers) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.workers = List.copyOf(workers);
  }

  /** Polls until the queue is empty and nothing is in flight; fails if that never happens. */
  public Stats drain() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers.size());
    try {
      List<Future<?>> pollers = new ArrayList<>();
      for (Worker worker : workers) {
        pollers.add(pool.submit(() -> poll(worker)));
      }
      for (Future<?> f : pollers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Stats(invocations.get(), deleted.get(), left.get());
  }

  private Void poll(Worker worker) {
    int idle = 0;
    while (true) {
      List<Message> messages =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(1)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      if (!messages.isEmpty()) {
        idle = 0;
        messages.forEach(m -> deliver(worker, m));
      } else if (inFlight.get() == 0 && queueIsEmpty()) {
        return null;
      } else if (++idle > MAX_IDLE_POLLS) {
        throw new AssertionError("the queue never drained: " + queueCounts());
      }
    }
  }

  private void deliver(Worker worker, Message message) {
    inFlight.incrementAndGet();
    try {
      invocations.incrementAndGet();
      Set<String> failed = failedIds(invokeQuietly(worker, event(message)));
      if (failed == null || failed.contains(message.messageId())) {
        left.incrementAndGet();
      } else {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        deleted.incrementAndGet();
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** A function error fails the whole batch, as Lambda treats it; null stands for that. */
  private static Map<String, Object> invokeQuietly(Worker worker, Map<String, Object> event) {
    try {
      return worker.invoke(event);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Set<String> failedIds(Map<String, Object> response) {
    if (response == null) {
      return null;
    }
    Object failures = response.get("batchItemFailures");
    if (!(failures instanceof List<?> list)) {
      return Set.of();
    }
    return list.stream()
        .map(f -> String.valueOf(((Map<?, ?>) f).get("itemIdentifier")))
        .collect(Collectors.toSet());
  }

  private Map<String, Object> event(Message message) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("messageId", message.messageId());
    record.put("receiptHandle", message.receiptHandle());
    record.put("body", message.body());
    record.put("attributes", Map.copyOf(message.attributesAsStrings()));
    record.put("messageAttributes", Map.of());
    record.put("eventSource", "aws:sqs");
    record.put("awsRegion", AwsTestCredentials.REGION.id());
    return Map.of("Records", List.of(record));
  }

  private boolean queueIsEmpty() {
    return queueCounts().values().stream().allMatch("0"::equals);
  }

  private Map<QueueAttributeName, String> queueCounts() {
    return sqs.getQueueAttributes(
            b ->
                b.queueUrl(queueUrl)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        .attributes();
  }
}
