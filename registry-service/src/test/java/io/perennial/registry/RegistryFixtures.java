package io.perennial.registry;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.spec.PeftNames;
import io.perennial.testing.TestHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Requests and files shared by the registry's integration tests. */
final class RegistryFixtures {

    /** mlp 4 → 3 → 2: fc1.weight [3,4], fc1.bias [3], fc2.weight [2,3], fc2.bias [2]. */
    static final String FAMILY = "{\"family\":\"mlp\",\"input_dim\":4,\"hidden\":[3],\"classes\":2}";

    private RegistryFixtures() {
    }

    static String model(String name) {
        return "{\"name\":\"" + name + "\",\"stream\":\"" + name + "\",\"family\":" + FAMILY + "}";
    }

    static String base() {
        return "{\"kind\":\"base\",\"jobId\":\"job-base\",\"metrics\":{\"loss\":0.25}}";
    }

    static String adapter(int parent, String name) {
        return "{\"kind\":\"adapter\",\"parentVersion\":" + parent + ",\"jobId\":\"job-" + name + "\",\"adapters\":["
                + adapterJson(name, 2) + "]}";
    }

    static String adapterJson(String name, int rank) {
        return "{\"name\":\"" + name + "\",\"rank\":" + rank + ",\"alpha\":4,\"targetModules\":[\"fc1\"],"
                + "\"segment\":{\"topic\":\"perennial.samples.s\",\"partitions\":[{\"partition\":0,\"fromOffset\":100,"
                + "\"toOffset\":200}],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\"}}";
    }

    static byte[] weights() {
        return Safetensors.toBytes(SafetensorsFile.builder()
                .putFloats("fc1.weight", new long[] {3, 4}, new float[12])
                .putFloats("fc1.bias", new long[] {3}, new float[] {1, 2, 3})
                .putFloats("fc2.weight", new long[] {2, 3}, new float[6])
                .putFloats("fc2.bias", new long[] {2}, new float[] {0.5f, -0.5f}).build());
    }

    static byte[] adapterWeights(int rank) {
        return Safetensors.toBytes(SafetensorsFile.builder()
                .putFloats(PeftNames.loraA("fc1"), new long[] {rank, 4}, new float[rank * 4])
                .putFloats(PeftNames.loraB("fc1"), new long[] {3, rank}, new float[3 * rank]).build());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static HttpResponse<String> upload(int port, String auth, String model, String kind, byte[] body, String sha) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/" + model
                + "/artifacts?kind=" + kind)).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").header("X-Content-SHA256", sha)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Uploads without Content-Length (chunked), as a streaming client would. */
    static HttpResponse<String> uploadChunked(int port, String auth, String model, byte[] body, String sha) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/" + model
                + "/artifacts?kind=file")).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").header("X-Content-SHA256", sha)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    }

    static HttpResponse<byte[]> download(int port, String auth, String model, String sha) throws IOException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/models/" + model + "/artifacts/" + sha)).header("Authorization", auth).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static TestHttp http(int port) {
        return new TestHttp(port);
    }
}
