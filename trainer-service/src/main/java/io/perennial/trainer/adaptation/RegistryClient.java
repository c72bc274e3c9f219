package io.perennial.trainer.adaptation;

import io.perennial.support.web.PeerServices;
import io.perennial.trainer.job.TrainerProperties;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry calls the trainer makes: promote a version, mark it as the candidate, read production and what a
 * version gained on a segment.
 */
@Component
public class RegistryClient {

    /** What the registry answered to a promotion. */
    public record Outcome(boolean promoted, String detail) {
    }

    /**
     * The version {@code production} points at.
     *
     * @param since when production first pointed at it (its {@code servedAt}; the alias's move time for older rows)
     */
    public record Production(int version, String kind, java.time.Instant since) {
    }

    private final RestClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    public RegistryClient(PeerServices peers, TrainerProperties properties) {
        this.http = peers.client(properties.getRegistryUrl(), Duration.ofSeconds(30));
    }

    /**
     * Asks the registry to promote a version through its gate.
     *
     * @return promoted, or refused by the gate with the failed conditions
     * @throws org.springframework.web.client.RestClientException when the registry cannot be reached or answers
     *     otherwise (the caller retries later)
     */
    public Outcome promote(String model, int version, String reason) {
        try {
            http.post().uri("/v1/models/{m}/versions/{v}/promote", model, version)
                    .contentType(MediaType.APPLICATION_JSON).body(Map.of("reason", reason))
                    .retrieve().toBodilessEntity();
            return new Outcome(true, reason);
        } catch (HttpClientErrorException.Conflict ex) {
            JsonNode problem = json.readTree(ex.getResponseBodyAsString());
            return new Outcome(false, "gate refused: " + (problem.has("failed") ? problem.get("failed").toString()
                    : problem.path("detail").asString(ex.getMessage())));
        }
    }

    /**
     * The model's production version, if any (also empty when the registry does not know the model yet).
     *
     * @throws org.springframework.web.client.RestClientException when the registry cannot be reached
     */
    public java.util.Optional<Production> production(String model) {
        JsonNode alias;
        try {
            alias = http.get().uri("/v1/models/{m}/aliases/production", model).retrieve().body(JsonNode.class);
        } catch (HttpClientErrorException.NotFound ex) {
            return java.util.Optional.empty();
        }
        int version = alias.path("version").asInt();
        JsonNode v = http.get().uri("/v1/models/{m}/versions/{v}", model, version).retrieve().body(JsonNode.class);
        String since = v.path("servedAt").isString() ? v.path("servedAt").asString()
                : alias.path("movedAt").asString();
        return java.util.Optional.of(new Production(version, v.path("kind").asString(),
                java.time.Instant.parse(since)));
    }

    /**
     * What a version gained on one segment's probe against the version serving when it was evaluated: the newest
     * evaluation's row for {@code segment}, positive minus negative flip rate; empty when the version has no
     * evaluation, no row for the segment or no flip rates on it.
     *
     * @throws org.springframework.web.client.RestClientException when the registry cannot be reached
     */
    public java.util.Optional<Double> segmentGain(String model, int version, String segment) {
        JsonNode list = http.get().uri("/v1/models/{m}/versions/{v}/evaluations", model, version).retrieve()
                .body(JsonNode.class);
        if (list == null || !list.isArray() || list.isEmpty()) {
            return java.util.Optional.empty();
        }
        for (JsonNode s : list.get(0).path("segments")) { // newest evaluation first
            if (s.path("segment").isString() && segment.equals(s.get("segment").asString())
                    && s.path("positiveFlipRate").isNumber()
                    && s.path("negativeFlipRate").isNumber()) {
                return java.util.Optional.of(s.get("positiveFlipRate").asDouble()
                        - s.get("negativeFlipRate").asDouble());
            }
        }
        return java.util.Optional.empty();
    }

    /** Points the {@code candidate} alias at a version (creating it when absent). */
    public void markCandidate(String model, int version, String reason) {
        try {
            http.put().uri("/v1/models/{m}/aliases/candidate", model).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("version", version, "reason", reason)).retrieve().toBodilessEntity();
        } catch (HttpClientErrorException.NotFound ex) {
            http.post().uri("/v1/models/{m}/aliases", model).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("alias", "candidate", "version", version, "reason", reason))
                    .retrieve().toBodilessEntity();
        }
    }
}
