package io.perennial.registry.alias;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Aliases, promotion gates, promotion and rollback. */
@RestController
@RequestMapping("/v1/models/{model}")
@Tag(name = "Aliases and promotion", description = "production / previous / candidate / user aliases, gates")
@Validated
public class AliasController {

    /** Body of an alias create or move. */
    public record AliasRequest(@Size(max = 63) String alias, @Positive int version, @Size(max = 1000) String reason) {
    }

    /** Body of a rollback. */
    public record RollbackRequest(@Size(max = 1000) String reason) {
    }

    private final AliasService aliases;

    public AliasController(AliasService aliases) {
        this.aliases = aliases;
    }

    @PostMapping("/versions/{version}/promote")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Promote a version to production", description = "Evaluates the model's gate on the "
            + "version's latest evaluation; passes: production moves here and previous keeps the old one; fails: 409 "
            + "with the failed conditions. force=true with a reason promotes anyway (audited). expectedProduction "
            + "makes it a compare-and-set.")
    public AliasService.Promotion promote(@PathVariable String model, @PathVariable int version,
            @RequestBody(required = false) AliasService.PromoteRequest request, Authentication auth) {
        return aliases.promote(model, version, request, auth.getName());
    }

    @GetMapping("/versions/{version}/gate")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Check the gate for a version without promoting")
    public GateEvaluator.Result check(@PathVariable String model, @PathVariable int version) {
        return aliases.check(model, version);
    }

    @PostMapping("/rollback")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Roll production back to previous", description = "One call; previous is cleared.")
    public AliasService.Promotion rollback(@PathVariable String model,
            @RequestBody(required = false) @Valid RollbackRequest request, Authentication auth) {
        return aliases.rollback(model, request == null ? null : request.reason(), auth.getName());
    }

    @GetMapping("/aliases")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List aliases")
    public List<AliasRepository.Alias> list(@PathVariable String model) {
        return aliases.list(model);
    }

    @GetMapping("/aliases/{alias}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Resolve an alias")
    public AliasRepository.Alias get(@PathVariable String model, @PathVariable String alias) {
        return aliases.get(model, alias);
    }

    @PostMapping("/aliases")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Create an alias", description = "409 if the name is taken (use PUT to move it).")
    public ResponseEntity<AliasRepository.Alias> create(@PathVariable String model,
            @Valid @RequestBody AliasRequest request, Authentication auth) {
        if (request.alias() == null) {
            throw io.perennial.support.web.ApiException.badRequest("alias is required").with("field", "alias");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(aliases.setAlias(model, request.alias(),
                request.version(), request.reason(), true, auth.getName()));
    }

    @PutMapping("/aliases/{alias}")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Point an alias at a version", description = "candidate and user aliases; production and "
            + "previous move only through promote and rollback.")
    public AliasRepository.Alias move(@PathVariable String model, @PathVariable String alias,
            @Valid @RequestBody AliasRequest request, Authentication auth) {
        return aliases.setAlias(model, alias, request.version(), request.reason(), false, auth.getName());
    }

    @DeleteMapping("/aliases/{alias}")
    @PreAuthorize("hasRole('operator')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove an alias")
    public void delete(@PathVariable String model, @PathVariable String alias,
            @RequestParam(required = false) String reason, Authentication auth) {
        aliases.deleteAlias(model, alias, reason, auth.getName());
    }

    @GetMapping("/gate")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "The model's promotion gate")
    public GatePolicy gate(@PathVariable String model) {
        return aliases.policy(model);
    }

    @PutMapping("/gate")
    @PreAuthorize("hasRole('admin')")
    @Operation(summary = "Set the model's promotion gate", description = "Null thresholds are not checked.")
    public GatePolicy setGate(@PathVariable String model, @Valid @RequestBody GatePolicy policy, Authentication auth) {
        return aliases.savePolicy(model, policy, auth.getName());
    }
}
