package io.perennial.registry.artifact;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Artifacts API: streamed upload ({@code application/octet-stream}) with a client-sent SHA-256, streamed download.
 * The body limit is {@code perennial.web.max-request-size-by-path} for {@code /v1/models/*}{@code /artifacts}.
 */
@RestController
@RequestMapping("/v1/models/{model}/artifacts")
@Tag(name = "Artifacts", description = "Content-addressed weights, adapters, routers and files")
public class ArtifactController {

    private static final Pattern CONTENT_DIGEST = Pattern.compile("sha-256=:([A-Za-z0-9+/=]+):");

    private final ArtifactService artifacts;

    public ArtifactController(ArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Upload an artifact", description = "Streams the body into the store while computing its "
            + "SHA-256, which must equal X-Content-SHA256 (hex) or Content-Digest (RFC 9530). kind=weights|adapter "
            + "are validated against the model family, router as safetensors, file not at all. Known content is "
            + "deduplicated.")
    public ResponseEntity<Artifact> upload(@PathVariable String model,
            @RequestParam(defaultValue = "file") String kind,
            @RequestHeader(name = "X-Content-SHA256", required = false) String sha256,
            @RequestHeader(name = "Content-Digest", required = false) String contentDigest,
            HttpServletRequest request, Authentication auth) throws IOException {
        ArtifactKind parsed;
        try {
            parsed = ArtifactKind.parse(kind);
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest(ex.getMessage()).with("field", "kind");
        }
        String expected = sha256 != null ? sha256.trim().toLowerCase(java.util.Locale.ROOT) : fromContentDigest(contentDigest);
        Artifact a = artifacts.upload(model, parsed, expected, request.getContentLengthLong(),
                request.getInputStream(), auth.getName());
        return ResponseEntity.created(URI.create("/v1/models/" + model + "/artifacts/" + a.sha256())).body(a);
    }

    @GetMapping("/{sha256}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Download an artifact", description = "Streams the bytes, verifying the SHA-256 on the "
            + "way; a corrupted blob ends the response early instead of completing it.")
    public void download(@PathVariable String model, @PathVariable String sha256, HttpServletResponse response)
            throws IOException {
        ArtifactRepository.Stored stored = artifacts.find(model, sha256);
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.setContentLengthLong(stored.artifact().size());
        response.setHeader("ETag", "\"" + sha256 + "\"");
        response.setHeader("X-Content-SHA256", sha256);
        response.setHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(
                HexFormat.of().parseHex(sha256)) + ":");
        artifacts.download(stored, response.getOutputStream());
    }

    @GetMapping("/{sha256}/info")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Describe an artifact", description = "Size, kind, format, store and tensor list.")
    public Artifact info(@PathVariable String model, @PathVariable String sha256) {
        return artifacts.info(model, sha256);
    }

    private static String fromContentDigest(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = CONTENT_DIGEST.matcher(header);
        if (!m.find()) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(m.group(1)));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
