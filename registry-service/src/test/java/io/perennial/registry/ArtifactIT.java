package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.adapterWeights;
import static io.perennial.registry.RegistryFixtures.download;
import static io.perennial.registry.RegistryFixtures.model;
import static io.perennial.registry.RegistryFixtures.sha256;
import static io.perennial.registry.RegistryFixtures.upload;
import static io.perennial.registry.RegistryFixtures.uploadChunked;
import static io.perennial.registry.RegistryFixtures.weights;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password",
        "perennial.registry.artifacts.chunk-size=64KB",
        "perennial.web.max-request-size-by-path[/v1/models/*/artifacts]=8MB"})
class ArtifactIT {

    static final String ADMIN = TestHttp.basic("admin", "registry-admin-password");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApiKeyService apiKeys;

    @BeforeEach
    void createModel() {
        new TestHttp(port).postJson("/v1/models", ADMIN, model("art"));
    }

    @Test
    void weightsAreValidatedStoredOnceAndStreamedBackVerified() throws IOException {
        byte[] w = weights();
        String sha = sha256(w);
        HttpResponse<String> first = upload(port, ADMIN, "art", "weights", w, sha);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode a = JSON.readTree(first.body());
        assertThat(a.get("sha256").asString()).isEqualTo(sha);
        assertThat(a.get("size").asLong()).isEqualTo(w.length);
        assertThat(a.get("format").asString()).isEqualTo("safetensors");
        assertThat(a.get("deduplicated").asBoolean()).isFalse();
        assertThat(a.get("tensors").toString()).contains("fc1.weight F32 [3, 4]");
        int chunks = count("blob_chunks");

        HttpResponse<String> again = upload(port, ADMIN, "art", "weights", w, sha);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(again.body()).get("deduplicated").asBoolean()).isTrue();
        assertThat(count("blob_chunks")).isEqualTo(chunks);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM artifacts WHERE sha256 = ?", Integer.class, sha))
                .isEqualTo(1);

        HttpResponse<byte[]> down = download(port, ADMIN, "art", sha);
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(w);
        assertThat(down.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
        assertThat(down.headers().firstValue("Repr-Digest")).isPresent();

        // a version names its files by digest
        TestHttp http = new TestHttp(port);
        HttpResponse<String> v = http.postJson("/v1/models/art/versions", ADMIN, "{\"kind\":\"base\",\"artifacts\":"
                + "[{\"name\":\"base/model.safetensors\",\"sha256\":\"" + sha + "\"}]}");
        assertThat(v.statusCode()).as(v.body()).isEqualTo(201);
        assertThat(v.body()).contains("\"name\":\"base/model.safetensors\",\"sha256\":\"" + sha + "\"");
        assertProblem(http.get("/v1/models/art/artifacts/" + "f".repeat(64), ADMIN), 404);
    }

    @Test
    void largeChunkedUploadStreamsThroughManyChunksAndRoundTrips() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024 + 123];
        new Random(42).nextBytes(big);
        String sha = sha256(big);
        HttpResponse<String> r = uploadChunked(port, ADMIN, "art", big, sha);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long blob = Long.parseLong(jdbc.queryForObject("SELECT location FROM artifacts WHERE sha256 = ?",
                String.class, sha));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob_chunks WHERE blob_id = ?", Integer.class, blob))
                .isEqualTo(49);
        assertThat(jdbc.queryForObject("SELECT max(octet_length(data)) FROM blob_chunks WHERE blob_id = ?",
                Integer.class, blob)).isEqualTo(64 * 1024);
        assertThat(download(port, ADMIN, "art", sha).body()).isEqualTo(big);
    }

    @Test
    void digestMismatchTruncationAndInvalidFilesLeaveNoRows() throws IOException {
        int artifacts = count("artifacts");
        int chunks = count("blob_chunks");
        byte[] w = weights();

        HttpResponse<String> mismatch = upload(port, ADMIN, "art", "weights", w, sha256(new byte[] {1}));
        assertProblem(mismatch, 400);
        assertThat(mismatch.body()).contains("digest-mismatch").contains(sha256(w));

        byte[] truncated = Arrays.copyOf(w, w.length - 10);
        HttpResponse<String> cut = upload(port, ADMIN, "art", "weights", truncated, sha256(truncated));
        assertProblem(cut, 400);
        assertThat(cut.body()).contains("invalid-safetensors").contains("truncated");

        byte[] corrupt = w.clone();
        corrupt[8] = 'X';
        HttpResponse<String> header = upload(port, ADMIN, "art", "weights", corrupt, sha256(corrupt));
        assertProblem(header, 400);
        assertThat(header.body()).contains("invalid-safetensors");

        byte[] wrongShape = Safetensors.toBytes(SafetensorsFile.builder()
                .putFloats("fc1.weight", new long[] {4, 3}, new float[12])
                .putFloats("fc1.bias", new long[] {3}, new float[3])
                .putFloats("fc2.weight", new long[] {2, 3}, new float[6])
                .putFloats("fc2.bias", new long[] {2}, new float[2]).build());
        HttpResponse<String> shape = upload(port, ADMIN, "art", "weights", wrongShape, sha256(wrongShape));
        assertProblem(shape, 400);
        assertThat(shape.body()).contains("family-mismatch").contains("fc1.weight").contains("[3, 4]");
        byte[] missing = Safetensors.toBytes(SafetensorsFile.builder()
                .putFloats("fc1.weight", new long[] {3, 4}, new float[12]).build());
        assertThat(upload(port, ADMIN, "art", "weights", missing, sha256(missing)).body()).contains("lack");
        byte[] rankMismatch = Safetensors.toBytes(SafetensorsFile.builder()
                .putFloats("base_model.model.fc1.lora_A.weight", new long[] {2, 4}, new float[8])
                .putFloats("base_model.model.fc1.lora_B.weight", new long[] {3, 1}, new float[3]).build());
        HttpResponse<String> rank = upload(port, ADMIN, "art", "adapter", rankMismatch, sha256(rankMismatch));
        assertProblem(rank, 400);
        assertThat(rank.body()).contains("rank 2 differs from lora_B rank 1");

        // a body cut off mid-stream: Content-Length promises more than arrives
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models/art/artifacts?kind=file HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN
                    + "\r\nContent-Type: application/octet-stream\r\nX-Content-SHA256: " + sha256(w)
                    + "\r\nContent-Length: " + (w.length + 1000) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(w);
            out.flush();
            socket.shutdownOutput();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // Tomcat fails the read and answers the request itself; what matters is that nothing was stored
            assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json");
        }

        HttpResponse<String> tooLarge = uploadChunked(port, ADMIN, "art", new byte[9 * 1024 * 1024],
                sha256(new byte[9 * 1024 * 1024]));
        assertProblem(tooLarge, 413);

        assertThat(count("artifacts")).isEqualTo(artifacts);
        assertThat(count("blob_chunks")).isEqualTo(chunks);
    }

    @Test
    void adaptersAreCheckedAgainstTheFamilysLayers() {
        byte[] ok = adapterWeights(2);
        HttpResponse<String> r = upload(port, ADMIN, "art", "adapter", ok, sha256(ok));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        byte[] tooWide = adapterWeights(4);
        HttpResponse<String> wide = upload(port, ADMIN, "art", "adapter", tooWide, sha256(tooWide));
        assertProblem(wide, 400);
        assertThat(wide.body()).contains("rank 4 is outside [1, 3]");
        byte[] weightsAsAdapter = weights();
        assertThat(upload(port, ADMIN, "art", "adapter", weightsAsAdapter, sha256(weightsAsAdapter)).body())
                .contains("not a PEFT LoRA name");
        assertProblem(upload(port, ADMIN, "art", "model", ok, sha256(ok)), 400);
        assertProblem(upload(port, ADMIN, "art", "adapter", ok, "not-a-digest"), 400);
        assertProblem(upload(port, ADMIN, "nobody", "adapter", ok, sha256(ok)), 404);
        String viewer = TestHttp.bearer(apiKeys.issue("art-viewer", Role.VIEWER, List.of(), null, "test").secret());
        assertProblem(upload(port, viewer, "art", "adapter", ok, sha256(ok)), 403);
    }

    @Test
    void aCorruptedBlobIsNeverServedAsACompleteDownload() throws IOException {
        byte[] file = new byte[200_000];
        new Random(7).nextBytes(file);
        String sha = sha256(file);
        assertThat(upload(port, ADMIN, "art", "file", file, sha).statusCode()).isEqualTo(201);
        long blob = Long.parseLong(jdbc.queryForObject("SELECT location FROM artifacts WHERE sha256 = ?",
                String.class, sha));
        jdbc.update("UPDATE blob_chunks SET data = set_byte(data, 10, (get_byte(data, 10) + 1) % 256) "
                + "WHERE blob_id = ? AND seq = 1", blob);
        assertThatThrownBy(() -> {
            HttpResponse<byte[]> r = download(port, ADMIN, "art", sha);
            // if a response arrives at all, it must not be the complete body
            assertThat(r.body().length).isLessThan(file.length);
        }).isInstanceOfAny(IOException.class, AssertionError.class);
        assertThat(rawDownloadLength(sha)).isLessThan(file.length);
    }

    private long rawDownloadLength(String sha) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /v1/models/art/artifacts/" + sha + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + ADMIN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                in.transferTo(all);
            } catch (IOException reset) {
                // the server aborted the response
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int body = text.indexOf("\r\n\r\n");
            assertThat(text).startsWith("HTTP/1.1 200");
            return all.size() - body - 4;
        }
    }

    int count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Integer.class);
    }
}
