package io.perennial.ingest.sample;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** REST ingest of samples. */
@RestController
@Tag(name = "Samples", description = "Send samples to a stream")
public class SampleController {

    /** NDJSON media type: one JSON record per line. */
    public static final String NDJSON = "application/x-ndjson";

    private final SampleIngestService ingest;

    public SampleController(SampleIngestService ingest) {
        this.ingest = ingest;
    }

    @PostMapping(path = "/v1/streams/{stream}/samples", consumes = {MediaType.APPLICATION_JSON_VALUE, NDJSON})
    @PreAuthorize("@scopes.allows(authentication, 'samples:write', #stream, 'operator')")
    @Operation(summary = "Send samples", description = """
            Body: a JSON array of records, or NDJSON (Content-Type application/x-ndjson), each
            {"id"?, "features" | "featuresBase64", "label"?, "timestamp"?, "attributes"?}; featuresBase64 is base64 of
            little-endian float32 values (NumPy: base64.b64encode(x.astype('<f4').tobytes())), faster to send and to
            parse than decimal numbers. Answers 202 once the broker acknowledged every
            written record, with per-record errors for the rejected ones; 400 when no record was valid or the body
            is malformed; 429/503 with Retry-After when records could not be written.""")
    public ResponseEntity<IngestResult> send(@PathVariable String stream,
            @Parameter(description = "write nothing unless every record is valid")
            @RequestParam(defaultValue = "false") boolean atomic,
            HttpServletRequest request, Authentication authentication) throws IOException {
        boolean ndjson = request.getContentType() != null && request.getContentType().startsWith(NDJSON);
        IngestResult result = ingest.ingest(stream, request.getInputStream(), ndjson, atomic, authentication.getName());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(result);
    }
}
