package io.perennial.support.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.contracts.cloudevents.CloudEventAttributes;
import io.perennial.contracts.events.EventType;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka in insertion order and marks them published.
 *
 * <p>Each batch is locked with {@code FOR UPDATE SKIP LOCKED}, so several instances of a service can relay side by
 * side. A row is marked only after the broker acknowledged it ({@code acks=all}, idempotent producer); while the
 * broker is down the relay backs off and retries, so an outage delays events but never loses them. A crash between
 * the acknowledgement and the mark can publish a row twice, which is why consumers deduplicate on the event id.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, byte[]> kafka;
    private final OutboxProperties properties;
    private final ServiceProperties service;
    private final Counter published;
    private final Counter failures;
    private volatile boolean running;
    private Thread worker;
    private Instant lastCleanup = Instant.EPOCH;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, KafkaTemplate<String, byte[]> kafka,
            OutboxProperties properties, ServiceProperties service, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.properties = properties;
        this.service = service;
        this.published = Counter.builder("perennial.outbox.published").description("Outbox events published")
                .register(meters);
        this.failures = Counter.builder("perennial.outbox.failures").description("Failed outbox publish attempts")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        worker = new Thread(this::loop, service.getName() + "-outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void stop() {
        Thread current;
        synchronized (this) {
            running = false;
            current = worker;
        }
        if (current != null) {
            current.interrupt();
            try {
                current.join(TimeUnit.SECONDS.toMillis(20));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Start after the Kafka listener containers, stop before the producer factory is destroyed.
        return Integer.MAX_VALUE - 1000;
    }

    private void loop() {
        long backoffMillis = properties.getPollInterval().toMillis();
        while (running) {
            try {
                int count = publishBatch();
                backoffMillis = properties.getPollInterval().toMillis();
                cleanupIfDue();
                if (count == 0) {
                    sleep(backoffMillis);
                }
            } catch (RuntimeException ex) {
                if (!running) {
                    return;
                }
                failures.increment();
                log.warn("Outbox relay could not publish, retrying in {} ms: {}", backoffMillis, rootMessage(ex));
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, properties.getMaxBackoff().toMillis());
            }
        }
    }

    /**
     * Publishes one batch.
     *
     * @return the number of rows published
     */
    public int publishBatch() {
        BatchResult result = transactions.execute(status -> {
            List<Row> rows = jdbc.query("SELECT id, aggregateid, type, payload::text, created_at FROM outbox "
                    + "WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED",
                    (rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant()),
                    properties.getBatchSize());
            if (rows.isEmpty()) {
                return new BatchResult(0, 0, null);
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(kafka.send(toRecord(row)));
            }
            List<UUID> acknowledged = new ArrayList<>(rows.size());
            RuntimeException failure = null;
            for (int i = 0; i < rows.size(); i++) {
                try {
                    sends.get(i).get(properties.getSendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    acknowledged.add(rows.get(i).id());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("interrupted while publishing", ex);
                } catch (Exception ex) {
                    failure = new IllegalStateException(ex.getMessage(), ex);
                }
            }
            // Mark what the broker acknowledged even when part of the batch failed: those rows must not be sent again.
            if (!acknowledged.isEmpty()) {
                jdbc.update("UPDATE outbox SET published_at = now() WHERE id = ANY (?)",
                        (Object) acknowledged.toArray(UUID[]::new));
                published.increment(acknowledged.size());
            }
            return new BatchResult(acknowledged.size(), rows.size(), failure);
        });
        if (result == null) {
            return 0;
        }
        if (result.failure() != null) {
            // The marks are committed; report the failure so the loop backs off before retrying the rest.
            throw new PartialPublishException(result.acknowledged(), result.total(), result.failure());
        }
        return result.total();
    }

    private ProducerRecord<String, byte[]> toRecord(Row row) {
        EventType<?> type = EventTypes.byType(row.type())
                .orElseThrow(() -> new IllegalStateException("outbox row " + row.id() + " has unknown type " + row.type()));
        CloudEventAttributes attributes = new CloudEventAttributes(row.id().toString(), service.eventSource(),
                row.type(), row.createdAt(), row.aggregateId());
        return new ProducerRecord<>(type.topic(), null, row.aggregateId(),
                row.payload().getBytes(StandardCharsets.UTF_8), KafkaEvents.headers(attributes));
    }

    private void cleanupIfDue() {
        Instant now = Instant.now();
        if (now.isBefore(lastCleanup.plusSeconds(600))) {
            return;
        }
        lastCleanup = now;
        int deleted = jdbc.update("DELETE FROM outbox WHERE published_at < ?",
                Timestamp.from(now.minus(properties.getRetention())));
        if (deleted > 0) {
            log.debug("Deleted {} published outbox rows", deleted);
        }
    }

    /** Rows not yet published; exposed for health and tests. */
    public long pending() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NULL", Long.class);
        return n == null ? 0 : n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private record BatchResult(int acknowledged, int total, RuntimeException failure) {
    }

    private record Row(UUID id, String aggregateId, String type, String payload, Instant createdAt) {
    }

    /** Part of a batch was acknowledged and marked, the rest will be retried. */
    static final class PartialPublishException extends RuntimeException {
        PartialPublishException(int acknowledged, int total, Throwable cause) {
            super(acknowledged + " of " + total + " outbox events published", cause);
        }
    }
}
