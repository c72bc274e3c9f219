package io.perennial.console.client;

import io.perennial.console.ConsoleProperties;
import io.perennial.support.security.PerennialSecurityProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Calls the other services' REST APIs with the service token. Every failure comes back as a {@link Result} with a
 * sentence a page can show; nothing is thrown into a page, so one service being down blanks only its own panel.
 */
@Component
public class ServiceClient {

    /**
     * The answer of one call.
     *
     * @param status the HTTP status, 0 when the service could not be reached
     * @param body the JSON body (a missing node when there is none)
     * @param error why the call failed, {@code null} when it succeeded
     */
    public record Result(int status, JsonNode body, String error) {

        public boolean ok() {
            return error == null;
        }

        /** Whether the service answered at all (a 4xx is an answer; a refused connection is not). */
        public boolean reachable() {
            return status > 0;
        }

        /** The body as a list of its elements, or of {@code items} for a page; empty on failure. */
        public java.util.List<JsonNode> items() {
            java.util.List<JsonNode> out = new java.util.ArrayList<>();
            if (ok()) {
                JsonNode array = body.isArray() ? body : body.path("items");
                array.forEach(out::add);
            }
            return out;
        }
    }

    private final ConsoleProperties properties;
    private final String serviceToken;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    public ServiceClient(ConsoleProperties properties, PerennialSecurityProperties security) {
        this.properties = properties;
        this.serviceToken = security.getServiceToken();
        this.http = HttpClient.newBuilder().connectTimeout(properties.getCallTimeout()).build();
    }

    public Map<String, URI> services() {
        return properties.getServices();
    }

    /** Encodes one path segment (a stream or model name taken from a URL). */
    public static String seg(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** GETs {@code path} on {@code service}. */
    public Result get(String service, String path) {
        return send(service, "GET", path, null);
    }

    /** POSTs {@code body} (serialised as JSON; {@code null} sends {@code {}}) to {@code path}. */
    public Result post(String service, String path, Object body) {
        return send(service, "POST", path, body == null ? Map.of() : body);
    }

    /**
     * Sends one request.
     *
     * @param body serialised as JSON when not {@code null}
     */
    public Result send(String service, String method, String path, Object body) {
        URI base = properties.getServices().get(service);
        if (base == null) {
            return new Result(0, MissingNode.getInstance(), service + " is not configured");
        }
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(properties.getCallTimeout()).header("Accept", "application/json")
                    .method(method, publisher);
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            Optional.ofNullable(serviceToken).filter(t -> !t.isBlank())
                    .ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = parse(response.body());
            if (response.statusCode() >= 400) {
                return new Result(response.statusCode(), parsed, describe(service, response.statusCode(), parsed));
            }
            return new Result(response.statusCode(), parsed, null);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Result(0, MissingNode.getInstance(), service + " call was interrupted");
        } catch (java.net.http.HttpTimeoutException ex) {
            return new Result(0, MissingNode.getInstance(), service + " did not answer in time");
        } catch (Exception ex) {
            return new Result(0, MissingNode.getInstance(), service + " is unreachable");
        }
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(text);
        } catch (RuntimeException ex) {
            return MissingNode.getInstance();
        }
    }

    /** A problem+json answer as one sentence: its detail, else its title, else the status. */
    static String describe(String service, int status, JsonNode problem) {
        String detail = problem.path("detail").asString("");
        if (!detail.isBlank()) {
            return detail;
        }
        String title = problem.path("title").asString("");
        return service + " answered " + status + (title.isBlank() ? "" : " (" + title + ")");
    }
}
