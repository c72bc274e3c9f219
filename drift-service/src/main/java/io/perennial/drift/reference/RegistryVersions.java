package io.perennial.drift.reference;

import io.perennial.drift.DriftProperties;
import io.perennial.support.web.PeerServices;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/**
 * Reads models and versions from registry-service with the service token. While the registry is unreachable or
 * answers 5xx it retries with capped exponential backoff up to {@code perennial.drift.reference.registry-timeout};
 * then, or on a 4xx, it throws {@link ReferenceUnavailableException} and the promotion falls back to the next
 * samples.
 */
@Component
public class RegistryVersions {

    private static final Logger log = LoggerFactory.getLogger(RegistryVersions.class);

    private final RestClient http;
    private final Duration timeout;

    public RegistryVersions(PeerServices peers, DriftProperties properties) {
        this.http = peers.client(properties.getRegistryUrl(), Duration.ofSeconds(10));
        this.timeout = properties.getReference().getRegistryTimeout();
    }

    /** A version resource: kind, adapters with their segments, router, merge recipe. */
    public JsonNode version(String model, int version) {
        return call(model + " v" + version, () -> http.get().uri("/v1/models/{m}/versions/{v}", model, version)
                .retrieve().body(JsonNode.class));
    }

    /** The stream a model serves. */
    public String streamOf(String model) {
        return call("model " + model, () -> http.get().uri("/v1/models/{m}", model).retrieve().body(JsonNode.class))
                .path("stream").asString();
    }

    private JsonNode call(String what, Supplier<JsonNode> call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 250;
        while (true) {
            try {
                JsonNode body = call.get();
                if (body == null) {
                    throw new ReferenceUnavailableException("version-unknown", "the registry sent no body for "
                            + what);
                }
                return body;
            } catch (HttpClientErrorException.NotFound ex) {
                throw new ReferenceUnavailableException("version-unknown", "the registry does not know " + what, ex);
            } catch (HttpClientErrorException ex) {
                throw new ReferenceUnavailableException("registry-refused", "the registry refused to read " + what
                        + ": " + ex.getStatusCode(), ex);
            } catch (RestClientException ex) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    throw new ReferenceUnavailableException("registry-unreachable", "registry unreachable for "
                            + timeout.toSeconds() + " s while reading " + what + ": " + ex.getMessage(), ex);
                }
                log.warn("Reading {} from the registry failed ({}); retrying in {} ms", what, ex.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ReferenceUnavailableException("registry-unreachable", "interrupted while reading "
                            + what, interrupted);
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }
}
