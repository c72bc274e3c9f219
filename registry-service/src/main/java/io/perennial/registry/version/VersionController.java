package io.perennial.registry.version;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Versions API: register, list, get, lineage, delete; the audit log. */
@RestController
@RequestMapping("/v1/models/{model}")
@Tag(name = "Versions", description = "Immutable base, adapter and merge versions and their lineage")
@Validated
public class VersionController {

    private final VersionService versions;
    private final AuditLog audit;

    public VersionController(VersionService versions, AuditLog audit) {
        this.versions = versions;
        this.audit = audit;
    }

    @PostMapping("/versions")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Register a version", description = "Takes the next version number of the model and "
            + "announces io.perennial.version.registered on perennial.registry.")
    public ResponseEntity<Version> register(@PathVariable String model, @Valid @RequestBody VersionRequest request,
            Authentication auth) {
        Version v = versions.register(model, request, auth.getName());
        return ResponseEntity.created(URI.create("/v1/models/" + model + "/versions/" + v.version())).body(v);
    }

    @GetMapping("/versions")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List versions", description = "Newest first unless order=asc; filters combine with AND.")
    public VersionService.Page list(@PathVariable String model,
            @RequestParam(required = false) @Pattern(regexp = VersionKinds.PATTERN) String kind,
            @RequestParam(required = false) String jobId, @RequestParam(required = false) String createdBy,
            @RequestParam(required = false) @Min(1) Integer minVersion,
            @RequestParam(required = false) @Min(1) Integer maxVersion,
            @RequestParam(defaultValue = "desc") @Pattern(regexp = "asc|desc") String order,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return versions.list(model, new VersionRepository.Filter(kind, jobId, createdBy, minVersion, maxVersion),
                order.equals("asc"), limit, offset);
    }

    @GetMapping("/versions/{version}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Get a version")
    public Version get(@PathVariable String model, @PathVariable int version) {
        versions.requireModel(model);
        return versions.get(model, version);
    }

    @GetMapping("/versions/{version}/lineage")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Lineage DAG of a version", description = "The version, every ancestor through parent and "
            + "merged-from edges, and the edges.")
    public Lineage lineage(@PathVariable String model, @PathVariable int version) {
        return versions.lineage(model, version);
    }

    @DeleteMapping("/versions/{version}")
    @PreAuthorize("hasRole('admin')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a version", description = "Only versions never served, without aliases and "
            + "without descendants.")
    public void delete(@PathVariable String model, @PathVariable int version, Authentication auth) {
        versions.delete(model, version, auth.getName());
    }

    @GetMapping("/audit")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Audit log of a model", description = "Newest first.")
    public List<AuditLog.Entry> audit(@PathVariable String model,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        versions.requireModel(model);
        return audit.list(model, limit, offset);
    }
}
