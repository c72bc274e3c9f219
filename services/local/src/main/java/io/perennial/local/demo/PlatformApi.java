package io.perennial.local.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST calls the demo makes to the platform's services, with one bearer credential. */
public final class PlatformApi {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // Features are floats: the Schubfach writer, not Float.toString (slow on Java 17).
    private final JsonMapper json = JsonMapper.builder()
            .enable(tools.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private final Function<String, String> baseUrl;
    private final String authorization;

    /**
     * @param baseUrl service name to its base URL
     * @param bearer an API key or the service token
     */
    public PlatformApi(Function<String, String> baseUrl, String bearer) {
        this.baseUrl = baseUrl;
        this.authorization = "Bearer " + bearer;
    }

    /** An answer: status and JSON body (null when empty or not JSON). */
    public record Answer(int status, JsonNode body, String raw) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Fails with the problem's detail unless the answer is a success. */
        public Answer require(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " failed: HTTP " + status + " "
                        + (body != null && body.has("detail") ? body.path("detail").asString() : raw));
            }
            return this;
        }
    }

    public Answer get(String service, String path) {
        return send(service, "GET", path, null);
    }

    public Answer post(String service, String path, Object body) {
        return send(service, "POST", path, body);
    }

    public Answer put(String service, String path, Object body) {
        return send(service, "PUT", path, body);
    }

    public JsonMapper json() {
        return json;
    }

    private Answer send(String service, String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl.apply(service) + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            if (!r.body().isBlank()) {
                try {
                    node = json.readTree(r.body());
                } catch (RuntimeException notJson) {
                    node = null;
                }
            }
            return new Answer(r.statusCode(), node, r.body());
        } catch (IOException ex) {
            return new Answer(0, null, service + " unreachable: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
