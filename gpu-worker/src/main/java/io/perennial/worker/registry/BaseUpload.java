package io.perennial.worker.registry;

import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.learning.ContinualLearner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.client.HttpClientErrorException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers base weights trained outside the platform as a stream's {@code base} version (no job, no segments), and
 * optionally promotes it, so trainer-service bootstraps the stream from it instead of training its own base. The
 * saved model is checked against the stream before anything is uploaded: a model that does not fit leaves nothing
 * in the registry.
 */
public final class BaseUpload {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * What the stream expects of a model.
     *
     * @param inputShape shape of one sample
     * @param labels class labels, in class-index order
     * @param modelFamily the stream's model family (what the registry validates weights against)
     */
    public record StreamShape(List<Integer> inputShape, List<String> labels, Map<String, Object> modelFamily) {
    }

    /**
     * The outcome.
     *
     * @param version the registered version
     * @param promoted whether production points at it now
     * @param detail what the gate said when promotion was asked for and refused (null otherwise)
     */
    public record Result(int version, boolean promoted, String detail) {
    }

    private final RegistryGateway registry;

    public BaseUpload(RegistryGateway registry) {
        this.registry = registry;
    }

    /**
     * Loads a directory written by {@link ContinualLearner#save} and checks it fits the stream: the input shape, one
     * class per label, the same model family, and no adapters (a base only).
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    public static ContinualLearner loadChecked(Path dir, String stream, StreamShape shape) {
        if (!Files.isRegularFile(dir.resolve("base").resolve(SpecJson.MODEL_SPEC_FILE))) {
            throw new IllegalArgumentException(dir + " is not a model saved by ContinualLearner.save: base/"
                    + SpecJson.MODEL_SPEC_FILE + " is missing");
        }
        ContinualLearner model;
        try {
            model = ContinualLearner.load(dir);
        } catch (IOException | RuntimeException ex) {
            throw new IllegalArgumentException("cannot load the saved model in " + dir + ": " + ex.getMessage(), ex);
        }
        try {
            requireFits(model, stream, shape);
            return model;
        } catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
    }

    private static void requireFits(ContinualLearner model, String stream, StreamShape shape) {
        ModelFamilySpec saved = model.base().spec();
        ModelFamilySpec expected = SpecJson.modelSpecFromJson(JSON.writeValueAsString(shape.modelFamily()));
        int features = shape.inputShape().stream().reduce(1, Math::multiplyExact);
        if (saved.inputSize() != features) {
            throw new IllegalArgumentException("input shape: the saved model takes " + saved.inputShape() + " ("
                    + saved.inputSize() + " features) but a sample of stream '" + stream + "' has shape "
                    + shape.inputShape() + " (" + features + " features)");
        }
        if (saved.classes() != shape.labels().size()) {
            throw new IllegalArgumentException("labels: the saved model has " + saved.classes() + " classes but stream '"
                    + stream + "' has " + shape.labels().size() + " labels " + shape.labels()
                    + " (class i must mean labels[i])");
        }
        if (!SpecJson.toJson(saved).equals(SpecJson.toJson(expected))) {
            throw new IllegalArgumentException("model family: the saved model is " + SpecJson.toJson(saved)
                    + " but stream '" + stream + "' uses " + SpecJson.toJson(expected));
        }
        if (!model.adapters().isEmpty()) {
            throw new IllegalArgumentException("the saved model has adapters " + model.adapters().keySet()
                    + "; upload-base takes a base model only (adapters come from the stream's own regimes)");
        }
    }

    /**
     * Checks, uploads every file, registers the {@code base} version and, when asked, promotes it.
     *
     * <p>An uploaded base has no evaluation report (the platform holds no data it was trained on). The gate lets the
     * first version ever to serve through without one unless it sets an accuracy floor; otherwise it refuses it
     * ({@code evaluation}), and {@code forceReason} promotes it past the gate, audited with that reason.
     *
     * @param source recorded in the version's description (e.g. the directory and who uploaded it)
     * @param forceReason null to promote through the gate
     * @throws IllegalArgumentException when the model does not fit the stream (nothing was uploaded)
     * @throws IOException when a file cannot be read
     * @throws org.springframework.web.client.RestClientException when the registry refuses or cannot be reached
     */
    public Result upload(String model, Path dir, StreamShape shape, String source, boolean promote,
            String forceReason) throws IOException {
        Map<String, Object> version = new LinkedHashMap<>();
        try (ContinualLearner base = loadChecked(dir, model, shape)) {
            version.put("kind", "base");
            version.put("adapters", List.of());
            version.put("router", VersionFiles.router(base, Map.of()));
            version.put("metrics", Map.of());
            version.put("description", "base model uploaded from " + source);
        }
        version.put("artifacts", VersionFiles.uploadAll(dir, (name, kind, file) -> registry.upload(model, kind, file)));
        int number = registry.register(model, version);
        if (!promote) {
            return new Result(number, false, null);
        }
        try {
            registry.promote(model, number, forceReason != null ? forceReason : "uploaded base: " + source,
                    forceReason != null);
            return new Result(number, true, null);
        } catch (HttpClientErrorException.Conflict ex) {
            JsonNode problem = JSON.readTree(ex.getResponseBodyAsString());
            return new Result(number, false, problem.path("detail").asString(ex.getMessage()));
        }
    }
}
