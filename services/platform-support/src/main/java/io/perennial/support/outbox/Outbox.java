package io.perennial.support.outbox;

import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.EventType;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records an event in the service's {@code outbox} table inside the caller's transaction, so the state change and
 * the event commit or roll back together. The {@link OutboxRelay} publishes it afterwards; the row id becomes the
 * CloudEvents {@code id} that consumers deduplicate on.
 */
public class Outbox {

    private final JdbcTemplate jdbc;
    private final EventCodec codec;

    public Outbox(JdbcTemplate jdbc, EventCodec codec) {
        this.jdbc = jdbc;
        this.codec = codec;
    }

    /**
     * Appends an event; must run inside a transaction.
     *
     * @param aggregateId the Kafka key: all events of one aggregate stay in order
     * @return the event id
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T> UUID append(EventType<T> type, String aggregateId, T data) {
        UUID id = UUID.randomUUID();
        String payload = new String(codec.encode(data), StandardCharsets.UTF_8);
        jdbc.update("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES (?, ?, ?, ?, ?::jsonb)",
                id, type.aggregateType(), aggregateId, type.type(), payload);
        return id;
    }
}
