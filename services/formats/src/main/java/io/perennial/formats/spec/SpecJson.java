package io.perennial.formats.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON (de)serialisation of {@link ModelFamilySpec} and {@link AdapterConfig}.
 *
 * <p>Model-family JSON carries {@code "version"} ({@value #SPEC_VERSION}); a missing version reads
 * as 1 and a newer one is rejected, so an older release never misreads a newer file.
 */
public final class SpecJson {

    /** Current model-family JSON version. */
    public static final int SPEC_VERSION = 1;

    /** File name of a base model's family spec next to its weights. */
    public static final String MODEL_SPEC_FILE = "model_family.json";

    /** File name of an adapter's config, as in PEFT. */
    public static final String ADAPTER_CONFIG_FILE = "adapter_config.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private SpecJson() {
    }

    /**
     * Serialises a model-family spec.
     *
     * @param spec the spec
     * @return JSON text
     */
    public static String toJson(ModelFamilySpec spec) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = MAPPER.convertValue(spec, LinkedHashMap.class);
        tree.put("version", SPEC_VERSION);
        return MAPPER.writeValueAsString(tree);
    }

    /**
     * Parses a model-family spec.
     *
     * @param json JSON text
     * @return the spec
     * @throws IllegalArgumentException if the JSON is malformed, of an unknown family or version, or invalid
     */
    public static ModelFamilySpec modelSpecFromJson(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = MAPPER.readValue(json, LinkedHashMap.class);
            Object version = tree.remove("version");
            if (version != null && (!(version instanceof Integer v) || v < 1 || v > SPEC_VERSION)) {
                throw new IllegalArgumentException("unsupported model-family spec version " + version
                        + " (this release reads up to " + SPEC_VERSION + ")");
            }
            if (!(tree.get("family") instanceof String)) {
                throw new IllegalArgumentException("model-family spec has no 'family' (expected \"mlp\" or \"cnn\")");
            }
            return MAPPER.convertValue(tree, ModelFamilySpec.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("invalid model-family spec: " + rootMessage(e), e);
        }
    }

    /**
     * Serialises an adapter config in PEFT's {@code adapter_config.json} layout.
     *
     * @param config the config
     * @return JSON text
     */
    public static String toJson(AdapterConfig config) {
        return MAPPER.writeValueAsString(config);
    }

    /**
     * Parses an {@code adapter_config.json}; unknown PEFT keys are ignored.
     *
     * @param json JSON text
     * @return the config
     * @throws IllegalArgumentException if malformed or invalid
     */
    public static AdapterConfig adapterConfigFromJson(String json) {
        try {
            return MAPPER.readValue(json, AdapterConfig.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("invalid adapter_config.json: " + rootMessage(e), e);
        }
    }

    /**
     * Reads a model-family spec file.
     *
     * @param path the file
     * @return the spec
     * @throws IOException on read errors
     */
    public static ModelFamilySpec readModelSpec(Path path) throws IOException {
        return modelSpecFromJson(Files.readString(path));
    }

    /**
     * Reads an adapter config file.
     *
     * @param path the file
     * @return the config
     * @throws IOException on read errors
     */
    public static AdapterConfig readAdapterConfig(Path path) throws IOException {
        return adapterConfigFromJson(Files.readString(path));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        return e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
    }
}
