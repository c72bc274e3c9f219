package io.perennial.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A small HTTP client for integration tests against a service on localhost. */
public final class TestHttp {

    private final HttpClient client = HttpClient.newHttpClient();
    private final int port;

    public TestHttp(int port) {
        this.port = port;
    }

    /** {@code Authorization} value for HTTP Basic. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code Authorization} value for a bearer token. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public HttpResponse<String> get(String path, String auth) {
        return send("GET", path, auth, null, null);
    }

    public HttpResponse<String> postJson(String path, String auth, String json) {
        return send("POST", path, auth, "application/json", json);
    }

    public HttpResponse<String> putJson(String path, String auth, String json) {
        return send("PUT", path, auth, "application/json", json);
    }

    /** Sends a request; {@code auth}, {@code contentType} and {@code body} may be null. */
    public HttpResponse<String> send(String method, String path, String auth, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return execute(b.build());
    }

    /** Sends a body without Content-Length (chunked transfer). */
    public HttpResponse<String> postChunked(String path, String auth, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return execute(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", auth).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build());
    }

    private HttpResponse<String> execute(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Asserts an RFC 9457 problem answer with this status and no internals. */
    public static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status).contains("\"title\"")
                .doesNotContain("stackTrace").doesNotContain("\tat ").doesNotContain("Exception");
    }
}
