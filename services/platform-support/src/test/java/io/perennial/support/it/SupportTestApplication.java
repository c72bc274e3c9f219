package io.perennial.support.it;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.outbox.EventInbox;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A minimal service that uses every platform-support convention, for the integration tests. */
@SpringBootApplication
public class SupportTestApplication {

    public record WidgetRequest(@NotBlank @Size(max = 20) String name) {
    }

    @RestController
    static class WidgetController {
        private final WidgetService service;

        WidgetController(WidgetService service) {
            this.service = service;
        }

        @PostMapping("/v1/widgets")
        @ResponseStatus(HttpStatus.CREATED)
        @PreAuthorize("hasRole('operator')")
        Map<String, String> create(@Valid @RequestBody WidgetRequest request) {
            service.create(request.name());
            return Map.of("name", request.name());
        }

        @GetMapping("/v1/widgets")
        @PreAuthorize("hasRole('viewer')")
        List<String> list() {
            return service.list();
        }

        @PostMapping("/v1/streams/{stream}/things")
        @PreAuthorize("@scopes.allows(authentication, 'samples:write', #stream, 'operator')")
        Map<String, String> write(@PathVariable String stream) {
            return Map.of("stream", stream);
        }
    }

    @Component
    static class WidgetService {
        private final JdbcTemplate jdbc;
        private final Outbox outbox;

        WidgetService(JdbcTemplate jdbc, Outbox outbox) {
            this.jdbc = jdbc;
            this.outbox = outbox;
        }

        @Transactional
        void create(String name) {
            jdbc.update("INSERT INTO widgets (name) VALUES (?)", name);
            outbox.append(EventTypes.STREAM_CREATED, name, new StreamCreated(
                    new StreamSpec(name, List.of(2), List.of("a", "b"), false, 1, 60_000, Map.of(), Map.of())));
        }

        List<String> list() {
            return jdbc.queryForList("SELECT name FROM widgets ORDER BY name", String.class);
        }
    }

    /** Consumes stream events idempotently through the inbox; a stream named "poison" fails every time. */
    @Component
    static class StreamListener {
        private final List<String> processed = new CopyOnWriteArrayList<>();
        private final EventInbox inbox;

        StreamListener(EventInbox inbox) {
            this.inbox = inbox;
        }

        public List<String> processed() {
            return processed;
        }

        @KafkaListener(id = "support-test-streams", topics = Topics.STREAMS)
        public void on(ConsumerRecord<String, byte[]> record) {
            inbox.process(record, "support-test", event -> {
                StreamCreated created = event.dataAs(EventTypes.STREAM_CREATED);
                if (created.stream().name().equals("poison")) {
                    throw new IllegalStateException("poison stream cannot be handled");
                }
                processed.add(created.stream().name());
            });
        }
    }
}
