package io.perennial.worker.serving;

import io.perennial.contracts.Float32Base64;
import io.perennial.contracts.SampleIds;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.PredictionServed;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Batch predictions with adapter routing, from the production version (or a named one). */
@RestController
@Tag(name = "Serving")
public class PredictionController {

    private static final Logger log = LoggerFactory.getLogger(PredictionController.class);

    /** Largest batch accepted in one request. */
    public static final int MAX_BATCH = 1024;

    /**
     * A prediction request.
     *
     * @param samples the rows to predict
     * @param version a specific version instead of {@code production} (for comparisons)
     * @param publish whether to publish the predictions on {@code perennial.predictions} for monitoring (default
     *     true; comparisons against other versions should pass false)
     */
    public record PredictRequest(@NotEmpty @Size(max = MAX_BATCH) List<@Valid @NotNull Row> samples,
            @Positive Integer version, Boolean publish) {
    }

    /**
     * One row: flat features in the stream's shape, either as JSON numbers ({@code features}) or as base64 of
     * little-endian float32 values ({@code featuresBase64}, far cheaper to parse for wide rows), and an
     * optional id echoed back (else a UUIDv7).
     */
    public record Row(@Size(max = 200) String id, float[] features, String featuresBase64) {

        /** The features, decoded; exactly one of the two encodings must be present. */
        float[] values(int index) {
            String field = "samples[" + index + "]";
            if ((features == null) == (featuresBase64 == null)) {
                throw ApiException.badRequest("sample " + index + " needs exactly one of 'features' and "
                        + "'featuresBase64'").with("field", field);
            }
            if (features != null) {
                return features;
            }
            try {
                return Float32Base64.decode(featuresBase64);
            } catch (IllegalArgumentException ex) {
                throw ApiException.badRequest("sample " + index + " has invalid featuresBase64: " + ex.getMessage())
                        .with("field", field + ".featuresBase64");
            }
        }
    }

    /** One answer. {@code adapter} is the regime the router chose ({@code base} for none). */
    public record Prediction(String id, String label, int classIndex, double confidence, float[] probabilities,
            String adapter, double novelty, boolean novel) {
    }

    /** The answer for a batch. */
    public record PredictResponse(String model, int version, List<String> labels, List<Prediction> predictions) {
    }

    private final ServedModelRepository served;
    private final java.util.Map<String, CachedModel> servedByStream = new java.util.concurrent.ConcurrentHashMap<>();
    private final ServingModels models;
    private final EventPublisher events;
    private final Timer latency;

    public PredictionController(ServedModelRepository served, ServingModels models, EventPublisher events,
            MeterRegistry meters) {
        this.served = served;
        this.models = models;
        this.events = events;
        this.latency = Timer.builder("perennial.predict.latency").description("Prediction latency per batch")
                .publishPercentileHistogram().register(meters);
    }

    private record CachedModel(ServedModel model, long expiresAt) {
    }

    /** The stream's model definition, read from the database at most every few seconds (not once per request). */
    private ServedModel servedModel(String stream) {
        CachedModel cached = servedByStream.get(stream);
        if (cached != null && cached.expiresAt() > System.nanoTime()) {
            return cached.model();
        }
        ServedModel model = served.forStream(stream)
                .orElseThrow(() -> ApiException.notFound("no model serves stream '" + stream + "'"));
        servedByStream.put(stream, new CachedModel(model, System.nanoTime() + 5_000_000_000L));
        return model;
    }

    @PostMapping("/v1/streams/{stream}/predict")
    @PreAuthorize("@scopes.allows(authentication, 'predict', #stream, 'viewer')")
    @Operation(summary = "Predict a batch", description = "Answers with class, probabilities, the version and adapter "
            + "used and a novelty score per row. Features come as JSON numbers or, cheaper for wide rows, as base64 of "
            + "little-endian float32 ('featuresBase64'). 404 for an unknown stream; 503 with Retry-After while no "
            + "version is promoted yet.")
    public PredictResponse predict(@PathVariable String stream, @Valid @RequestBody PredictRequest request)
            throws IOException {
        long start = System.nanoTime();
        ServedModel model = servedModel(stream);
        int features = model.inputShape().isEmpty() ? -1 : model.featureCount();
        int rows = request.samples().size();
        float[] flat = new float[rows * Math.max(features, 0)];
        for (int i = 0; i < rows; i++) {
            float[] f = request.samples().get(i).values(i);
            if (f.length != features) {
                throw ApiException.badRequest("sample " + i + " has " + f.length + " features; stream '" + stream
                        + "' expects " + features).with("field", "samples[" + i + "].features");
            }
            for (float v : f) {
                if (!Float.isFinite(v)) {
                    throw ApiException.badRequest("sample " + i + " has a non-finite feature")
                            .with("field", "samples[" + i + "].features");
                }
            }
            System.arraycopy(f, 0, flat, i * features, features);
        }
        int[] shape = model.inputShape().stream().mapToInt(Integer::intValue).toArray();
        LabeledData batch = LabeledData.of(flat, new int[rows], shape, Math.max(1, model.labels().size()));
        ServingModels.Answer answer;
        try {
            answer = models.predict(model.model(), request.version(), batch).orElseThrow(() ->
                    ApiException.unavailable("stream '" + stream + "' has no promoted version loaded yet", 5));
        } catch (IOException | org.springframework.web.client.RestClientException ex) {
            throw ApiException.notFound("version " + request.version() + " of model '" + model.model()
                    + "' cannot be loaded: " + ex.getMessage());
        }
        RoutedPredictions p = answer.predictions();
        Predictions preds = p.predictions();
        List<Prediction> out = new ArrayList<>(rows);
        Instant now = Instant.now();
        boolean publish = request.publish() == null || request.publish();
        for (int i = 0; i < rows; i++) {
            int cls = preds.classes()[i];
            float[] probs = preds.probabilities(i);
            String label = cls < model.labels().size() ? model.labels().get(cls) : String.valueOf(cls);
            String id = request.samples().get(i).id() != null ? request.samples().get(i).id() : SampleIds.next();
            Prediction prediction = new Prediction(id, label, cls, probs[cls], probs, p.regimeOf(i), p.novelty()[i],
                    p.novel()[i]);
            out.add(prediction);
            if (publish) {
                events.publish(EventTypes.PREDICTION_SERVED, stream, new PredictionServed(stream, id,
                        answer.version(), prediction.adapter(), label, prediction.confidence(), prediction.novelty(),
                        now)).whenComplete((r, ex) -> {
                            if (ex != null) {
                                log.debug("Prediction event not published: {}", ex.getMessage());
                            }
                        });
            }
        }
        latency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new PredictResponse(model.model(), answer.version(), model.labels(), out);
    }
}
