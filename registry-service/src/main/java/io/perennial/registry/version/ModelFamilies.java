package io.perennial.registry.version;

import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Reads a model's family spec (stored as JSON) with the shared {@link SpecJson} rules. */
public final class ModelFamilies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ModelFamilies() {
    }

    /**
     * Parses a stored family spec.
     *
     * @return the spec, or null when the model has none (an empty object)
     * @throws IllegalArgumentException if the stored spec is invalid
     */
    public static ModelFamilySpec parse(Map<String, Object> family) {
        if (family == null || family.isEmpty()) {
            return null;
        }
        return SpecJson.modelSpecFromJson(JSON.writeValueAsString(family));
    }
}
