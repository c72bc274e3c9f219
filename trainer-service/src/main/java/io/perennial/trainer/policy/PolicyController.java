package io.perennial.trainer.policy;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Adaptation policies per stream. */
@RestController
@RequestMapping("/v1/policies")
@Tag(name = "Policies")
public class PolicyController {

    private final PolicyRepository policies;

    public PolicyController(PolicyRepository policies) {
        this.policies = policies;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List adaptation policies")
    public List<PolicyRepository.StreamPolicy> list() {
        return policies.list();
    }

    @GetMapping("/{stream}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "A stream's adaptation policy")
    public PolicyRepository.StreamPolicy get(@PathVariable String stream) {
        return policies.find(stream).orElseThrow(() -> ApiException.notFound("no policy for stream '" + stream + "'"));
    }
}
