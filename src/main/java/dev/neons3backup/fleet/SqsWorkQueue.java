package dev.neons3backup.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends work items with SendMessageBatch. A batch can succeed in part: the entries SQS refused are
 * sent again, a bounded number of times, and then the send fails naming them (a duplicate message
 * is harmless: every attempt at an item writes the same key, and a complete backup is skipped).
 */
public final class SqsWorkQueue implements WorkQueue {
  static final int ATTEMPTS = 5;

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsWorkQueue(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void send(List<WorkItem> items) throws IOException {
    if (items.size() > BATCH) {
      throw new IllegalArgumentException("at most " + BATCH + " items per batch");
    }
    Map<String, WorkItem> pending = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      pending.put(Integer.toString(i), items.get(i));
    }
    List<BatchResultErrorEntry> errors = List.of();
    for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
      errors = sendOnce(pending);
      Map<String, WorkItem> failed = new LinkedHashMap<>();
      errors.forEach(e -> failed.put(e.id(), pending.get(e.id())));
      pending.clear();
      pending.putAll(failed);
      if (!pending.isEmpty()) {
        pause(attempt);
      }
    }
    if (!pending.isEmpty()) {
      throw new IOException(
          "the work queue refused "
              + pending.size()
              + " message(s) after "
              + ATTEMPTS
              + " attempts ("
              + names(pending)
              + "; last error "
              + errors.get(0).code()
              + "); run the dispatcher again for this run time: it re-sends what is not stored.");
    }
  }

  private List<BatchResultErrorEntry> sendOnce(Map<String, WorkItem> pending) throws IOException {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    pending.forEach(
        (id, item) ->
            entries.add(
                SendMessageBatchRequestEntry.builder().id(id).messageBody(item.toJson()).build()));
    try {
      SendMessageBatchResponse response =
          sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      return response.failed();
    } catch (SdkException e) {
      throw new IOException("cannot send to the work queue: " + e.getMessage(), e);
    }
  }

  private static String names(Map<String, WorkItem> items) {
    return String.join(", ", items.values().stream().map(WorkItem::name).toList());
  }

  private static void pause(int attempt) throws IOException {
    try {
      Thread.sleep(200L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending to the work queue", e);
    }
  }
}
