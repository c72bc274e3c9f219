package io.perennial.support.kafka;

import io.perennial.contracts.Topics;
import io.perennial.contracts.cloudevents.InvalidCloudEventException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The listener error handler every service uses: a few bounded retries for transient failures, then the record goes
 * to {@link Topics#DLQ} with reason headers. Records that can never succeed (malformed events, validation failures)
 * skip the retries. Nothing is dropped and nothing loops forever.
 */
public final class DeadLetters {

    /** Header with a one-line human-readable reason. */
    public static final String REASON_HEADER = "perennial_reason";
    /** Header with the service that gave up on the record. */
    public static final String SERVICE_HEADER = "perennial_service";
    /** Header with the topic the record came from. */
    public static final String SOURCE_TOPIC_HEADER = "perennial_source_topic";

    private DeadLetters() {
    }

    /**
     * @param template a template able to write the original key and value bytes
     * @param serviceName written into {@link #SERVICE_HEADER}
     * @param maxRetries retries for exceptions that may be transient
     */
    public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> template, String serviceName,
            int maxRetries) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(Topics.DLQ, -1));
        recoverer.setHeadersFunction((record, ex) -> headers(record.topic(), serviceName, ex));
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(2_000);
        backOff.setMaxAttempts(maxRetries);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(InvalidCloudEventException.class, NonRetryableException.class);
        return handler;
    }

    /**
     * The dead letter of a record consumed outside a Spring listener container (same topic and headers as
     * {@link #errorHandler}): the original key and value, with the reason, service and source topic.
     */
    public static org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> of(
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record, String serviceName, Throwable ex) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers(record.topic(), serviceName, ex).forEach(headers::add);
        return new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.DLQ, null, record.key(), record.value(),
                headers);
    }

    private static RecordHeaders headers(String sourceTopic, String serviceName, Throwable ex) {
        return headers(sourceTopic, serviceName, reason(ex));
    }

    /**
     * The headers that explain a dead letter: why (on one line), which service, from which topic — for services that
     * dead-letter records themselves, with a reason of their own.
     */
    public static RecordHeaders headers(String sourceTopic, String serviceName, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.replaceAll("[\\r\\n]+", " ").getBytes(StandardCharsets.UTF_8));
        headers.add(SERVICE_HEADER, serviceName.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_TOPIC_HEADER, sourceTopic.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The innermost message of the exception chain, on one line. */
    static String reason(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("[\\r\\n]+", " ");
    }
}
