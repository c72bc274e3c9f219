package io.perennial.registry.model;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Models API. */
@RestController
@RequestMapping("/v1/models")
@Tag(name = "Models")
@Validated
public class ModelController {

    private final ModelRepository models;

    public ModelController(ModelRepository models) {
        this.models = models;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List models")
    public List<Model> list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return models.list(limit, offset);
    }

    @GetMapping("/{model}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Get a model")
    public Model get(@PathVariable String model) {
        return models.find(model).orElseThrow(() -> ApiException.notFound("no model named '" + model + "'"));
    }
}
