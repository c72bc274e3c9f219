package io.perennial.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import io.perennial.contracts.SampleIds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client of ingest-service. Thread-safe; one instance per base URL.
 *
 * <pre>{@code
 * PerennialClient client = PerennialClient.builder(URI.create("http://127.0.0.1:8081")).apiKey(key).build();
 * SendReport report = client.send("fmnist", samples);   // batches of batchSize, NDJSON
 * }</pre>
 *
 * <p>Retries are idempotent: ids are assigned before the first attempt, and after a 429 or 503 only the samples the
 * platform reports as not written are sent again, so an acknowledged sample is never sent twice. 4xx answers other
 * than 429 are not retried.
 */
public final class PerennialClient {

    private final URI baseUrl;
    private final String authorization;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration maxBackoff;
    private final HttpClient http;
    // Features are floats: the Schubfach writer, not Float.toString (slow on Java 17).
    private final JsonMapper json = JsonMapper.builder()
            .enable(tools.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private final SecureRandom random = new SecureRandom();

    private PerennialClient(Builder b) {
        this.baseUrl = b.baseUrl;
        this.authorization = Objects.requireNonNull(b.authorization, "credentials: call apiKey(..) or basic(..)");
        this.batchSize = b.batchSize;
        this.maxAttempts = b.maxAttempts;
        this.maxBackoff = b.maxBackoff;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Registers a stream from a JSON definition (see the ingest API); returns the answer's JSON. */
    public JsonNode createStream(Map<String, Object> definition) {
        HttpResponse<String> response = exchange("POST", "/v1/streams", "application/json",
                json.writeValueAsBytes(definition));
        if (response.statusCode() != 201) {
            throw new PerennialClientException(response.statusCode(), detail(response));
        }
        return json.readTree(response.body());
    }

    /** Whether a stream exists. */
    public boolean streamExists(String stream) {
        HttpResponse<String> response = exchange("GET", "/v1/streams/" + stream, null, null);
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() != 200) {
            throw new PerennialClientException(response.statusCode(), detail(response));
        }
        return true;
    }

    /** Sends samples in batches; blocks until each batch is acknowledged or retries are exhausted. */
    public SendReport send(String stream, List<SampleInput> samples) {
        List<SampleInput> withIds = new ArrayList<>(samples.size());
        for (SampleInput s : samples) {
            withIds.add(s.id() == null ? s.withId(SampleIds.next()) : s);
        }
        int accepted = 0;
        int failed = 0;
        int attempts = 0;
        List<SendReport.Rejection> rejected = new ArrayList<>();
        for (int start = 0; start < withIds.size(); start += batchSize) {
            List<SampleInput> batch = withIds.subList(start, Math.min(withIds.size(), start + batchSize));
            BatchOutcome outcome = sendBatch(stream, batch, start);
            accepted += outcome.accepted;
            failed += outcome.failed;
            attempts += outcome.attempts;
            rejected.addAll(outcome.rejected);
        }
        return new SendReport(accepted, List.copyOf(rejected), failed, attempts);
    }

    private BatchOutcome sendBatch(String stream, List<SampleInput> batch, int offset) {
        BatchOutcome outcome = new BatchOutcome();
        // Positions (in the caller's list) of the samples still to send.
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.add(i);
        }
        long backoff = 200;
        while (!pending.isEmpty()) {
            outcome.attempts++;
            HttpResponse<String> response;
            try {
                response = exchange("POST", "/v1/streams/" + stream + "/samples", "application/x-ndjson",
                        ndjson(batch, pending));
            } catch (PerennialClientException ex) {
                if (ex.status() != 0 || outcome.attempts >= maxAttempts) {
                    throw ex;
                }
                backoff = sleep(backoff, null);
                continue;
            }
            int status = response.statusCode();
            JsonNode body = parse(response.body());
            if (status == 202 || (status == 400 && body.has("accepted"))) {
                outcome.accepted += body.path("accepted").asInt();
                for (JsonNode e : body.path("errors")) {
                    int at = pending.get(e.path("index").asInt());
                    outcome.rejected.add(new SendReport.Rejection(offset + at, e.path("field").asString(null),
                            e.path("reason").asString("")));
                }
                return outcome;
            }
            if (status == 429 || status >= 500) {
                List<Integer> retry = new ArrayList<>();
                if (body.has("accepted")) {
                    outcome.accepted += body.path("accepted").asInt();
                    for (JsonNode e : body.path("errors")) {
                        int at = pending.get(e.path("index").asInt());
                        String reason = e.path("reason").asString("");
                        if (reason.startsWith("not written") || reason.startsWith("not acknowledged")
                                || reason.startsWith("interrupted")) {
                            retry.add(at);
                        } else {
                            outcome.rejected.add(new SendReport.Rejection(offset + at,
                                    e.path("field").asString(null), reason));
                        }
                    }
                } else {
                    retry.addAll(pending);
                }
                pending = retry;
                if (pending.isEmpty()) {
                    return outcome;
                }
                if (outcome.attempts >= maxAttempts) {
                    outcome.failed += pending.size();
                    return outcome;
                }
                backoff = sleep(backoff, response.headers().firstValue("Retry-After").orElse(null));
                continue;
            }
            throw new PerennialClientException(status, detail(response));
        }
        return outcome;
    }

    private byte[] ndjson(List<SampleInput> batch, List<Integer> positions) {
        StringBuilder sb = new StringBuilder(positions.size() * 64);
        for (int p : positions) {
            SampleInput s = batch.get(p);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("id", s.id());
            record.put("features", s.features());
            if (s.label() != null) {
                record.put("label", s.label());
            }
            if (s.timestamp() != null) {
                record.put("timestamp", s.timestamp().toString());
            }
            if (!s.attributes().isEmpty()) {
                record.put("attributes", s.attributes());
            }
            sb.append(json.writeValueAsString(record)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> exchange(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", authorization).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new PerennialClientException(0, "cannot reach " + baseUrl + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new PerennialClientException(0, "interrupted");
        }
    }

    private long sleep(long backoff, String retryAfter) {
        long millis = backoff + random.nextInt((int) Math.max(1, backoff / 2));
        if (retryAfter != null) {
            try {
                millis = Math.max(millis, Long.parseLong(retryAfter.trim()) * 1000);
            } catch (NumberFormatException ignored) {
                // An HTTP date: fall back to the exponential back-off.
            }
        }
        try {
            Thread.sleep(Math.min(millis, maxBackoff.toMillis()));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new PerennialClientException(0, "interrupted");
        }
        return Math.min(backoff * 2, maxBackoff.toMillis());
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (RuntimeException ex) {
            return json.createObjectNode();
        }
    }

    private String detail(HttpResponse<String> response) {
        JsonNode body = parse(response.body());
        return response.statusCode() + " " + body.path("title").asString("") + ": " + body.path("detail").asString("");
    }

    private static final class BatchOutcome {
        int accepted;
        int failed;
        int attempts;
        final List<SendReport.Rejection> rejected = new ArrayList<>();
    }

    /** Builds a {@link PerennialClient}. */
    public static final class Builder {
        private final URI baseUrl;
        private String authorization;
        private int batchSize = 1000;
        private int maxAttempts = 8;
        private Duration maxBackoff = Duration.ofSeconds(10);

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** Authenticate with an API key ({@code pnl_...}). */
        public Builder apiKey(String key) {
            this.authorization = "Bearer " + key;
            return this;
        }

        /** Authenticate as a user. */
        public Builder basic(String user, String password) {
            this.authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Samples per request (default 1000). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batchSize must be 1..100000");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Requests per batch before giving up (default 8). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Math.max(1, maxAttempts);
            return this;
        }

        /** Longest pause between retries (default 10 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public PerennialClient build() {
            return new PerennialClient(this);
        }
    }
}
