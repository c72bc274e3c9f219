package io.perennial.console.overview;

import io.perennial.console.ConsoleProperties;
import io.perennial.support.security.PerennialSecurityProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls other services with the service token; each failure is reported, never thrown into a page. */
@Component
public class ServiceClient {

    /** The answer of one call: a JSON body, or why there is none. */
    public record Result(JsonNode body, String error) {
        public boolean ok() {
            return error == null;
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

    /** GETs {@code path} on {@code service}. */
    public Result get(String service, String path) {
        URI base = properties.getServices().get(service);
        if (base == null) {
            return new Result(null, "not configured");
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(properties.getCallTimeout()).header("Accept", "application/json");
            Optional.ofNullable(serviceToken).filter(t -> !t.isBlank())
                    .ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                return new Result(null, "answered " + response.statusCode());
            }
            return new Result(json.readTree(response.body()), null);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted");
        } catch (Exception ex) {
            return new Result(null, "unreachable");
        }
    }
}
