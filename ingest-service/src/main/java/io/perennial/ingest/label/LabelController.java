package io.perennial.ingest.label;

import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.LabelAssigned;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.ingest.sample.RecordError;
import io.perennial.ingest.stream.StreamCatalog;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Labels for samples sent earlier without one. */
@RestController
@Tag(name = "Labels", description = "Late labels by sample id")
public class LabelController {

    private final StreamCatalog streams;
    private final EventPublisher events;

    public LabelController(StreamCatalog streams, EventPublisher events) {
        this.streams = streams;
        this.events = events;
    }

    /** One late label. */
    public record LabelRequest(String id, String label) {
    }

    /** Outcome of a label request. */
    public record LabelResult(int accepted, int rejected, List<RecordError> errors) {
    }

    @PostMapping("/v1/streams/{stream}/labels")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("@scopes.allows(authentication, 'samples:write', #stream, 'operator')")
    @Operation(summary = "Send late labels", description = "Each label is published to perennial.labels keyed by "
            + "sample id; 202 once the broker acknowledged all of them.")
    public LabelResult label(@PathVariable String stream,
            @Valid @RequestBody @NotEmpty @Size(max = 10_000) List<LabelRequest> labels) {
        StreamSpec spec = streams.require(stream);
        List<RecordError> errors = new ArrayList<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < labels.size(); i++) {
            LabelRequest l = labels.get(i);
            if (l == null || l.id() == null || !l.id().matches("[A-Za-z0-9._:-]{1,128}")) {
                errors.add(new RecordError(i, "id", "id must be 1-128 characters of A-Z a-z 0-9 . _ : -"));
            } else if (l.label() == null || !spec.labels().contains(l.label())) {
                errors.add(new RecordError(i, "label", "unknown label; the stream's labels are " + spec.labels()));
            } else {
                sends.add(events.publish(EventTypes.LABEL_ASSIGNED, l.id(),
                        new LabelAssigned(stream, l.id(), l.label(), now)));
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw ApiException.unavailable("labels were not acknowledged by the broker; resend them", 5);
        }
        if (sends.isEmpty()) {
            throw ApiException.badRequest("no label was valid").with("errors", errors);
        }
        return new LabelResult(sends.size(), errors.size(), errors);
    }
}
