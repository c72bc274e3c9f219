package io.perennial.ingest.stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stream registration API. */
@RestController
@RequestMapping("/v1/streams")
@Tag(name = "Streams", description = "Register and inspect data streams")
@Validated
public class StreamController {

    private final StreamService streams;

    public StreamController(StreamService streams) {
        this.streams = streams;
    }

    /** A page of streams. */
    public record StreamPage(List<Stream> items, long total, int limit, int offset) {
    }

    @PostMapping
    @PreAuthorize("@scopes.allows(authentication, 'streams:admin', null, 'operator')")
    @Operation(summary = "Register a stream", description = "Creates the stream's Kafka topics and announces it "
            + "on perennial.streams.")
    public ResponseEntity<Stream> create(@Valid @RequestBody StreamRequest request) {
        Stream stream = streams.create(request);
        return ResponseEntity.created(URI.create("/v1/streams/" + stream.spec().name())).body(stream);
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer') or @scopes.allows(authentication, 'streams:read', null, null)")
    @Operation(summary = "List streams")
    public StreamPage list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return new StreamPage(streams.list(limit, offset), streams.count(), limit, offset);
    }

    @PatchMapping("/{stream}")
    @PreAuthorize("@scopes.allows(authentication, 'streams:admin', #stream, 'operator')")
    @Operation(summary = "Change a stream's policy or retention")
    public Stream update(@PathVariable String stream, @Valid @RequestBody StreamUpdateRequest request) {
        return streams.update(stream, request);
    }

    @DeleteMapping("/{stream}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("@scopes.allows(authentication, 'streams:admin', #stream, 'admin')")
    @Operation(summary = "Delete a stream", description = "Soft delete: ingest stops; data ages out by retention.")
    public void delete(@PathVariable String stream) {
        streams.delete(stream);
    }

    @GetMapping("/{stream}")
    @PreAuthorize("hasRole('viewer') or @scopes.allows(authentication, 'streams:read', #stream, null)")
    @Operation(summary = "Get a stream")
    public Stream get(@PathVariable String stream) {
        return streams.get(stream);
    }
}
