package io.perennial.support.outbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Makes a Kafka consumer idempotent: records are redelivered after a crash or rebalance, so a handler first claims
 * the event id inside its own transaction and skips the work when the claim was already made.
 */
public class ProcessedEvents {

    private final JdbcTemplate jdbc;

    public ProcessedEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims an event for a consumer; must run inside the handler's transaction.
     *
     * @return {@code true} the first time, {@code false} when the event was already processed
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean claim(String consumer, String eventId) {
        return jdbc.update("INSERT INTO processed_events (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                consumer, eventId) == 1;
    }
}
