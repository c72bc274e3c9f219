package io.perennial.registry.model;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
    private final ModelService service;

    public ModelController(ModelRepository models, ModelService service) {
        this.models = models;
        this.service = service;
    }

    @PostMapping
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Create a model", description = "Streams get one automatically; more per stream are allowed.")
    public ResponseEntity<Model> create(@Valid @RequestBody ModelRequest request) {
        Model model = service.create(request);
        return ResponseEntity.created(URI.create("/v1/models/" + model.name())).body(model);
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
