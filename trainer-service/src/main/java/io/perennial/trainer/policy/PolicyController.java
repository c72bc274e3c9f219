package io.perennial.trainer.policy;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.core.type.TypeReference;
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

    /**
     * Changes some of a stream's policy fields; the others keep their values. A later update of the stream's
     * definition in ingest-service replaces the policy again.
     */
    @PutMapping("/{stream}")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Change a stream's adaptation policy (the fields given; 400 on invalid values)")
    public PolicyRepository.StreamPolicy update(@PathVariable String stream, @RequestBody Map<String, Object> changes) {
        PolicyRepository.StreamPolicy current = get(stream);
        Map<String, Object> merged = new LinkedHashMap<>(JSON.convertValue(current.policy(), MAP));
        for (String key : changes.keySet()) {
            if (!merged.containsKey(key)) {
                throw ApiException.badRequest("unknown policy field '" + key + "'; known: " + merged.keySet())
                        .with("field", key);
            }
        }
        merged.putAll(changes);
        AdaptationPolicy policy;
        try {
            policy = AdaptationPolicy.withOverrides(merged);
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest(ex.getMessage());
        }
        policies.save(stream, policy);
        return new PolicyRepository.StreamPolicy(stream, policy);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
}
