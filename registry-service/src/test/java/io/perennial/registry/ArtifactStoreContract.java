package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.download;
import static io.perennial.registry.RegistryFixtures.model;
import static io.perennial.registry.RegistryFixtures.sha256;
import static io.perennial.registry.RegistryFixtures.upload;
import static io.perennial.registry.RegistryFixtures.uploadChunked;
import static io.perennial.registry.RegistryFixtures.weights;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every artifact store must do, run against each one ({@link ArtifactIT}: PostgreSQL, {@link S3ArtifactIT}: a
 * real S3-compatible server): streamed round trips, deduplication, failed uploads that leave no row and no bytes,
 * downloads that never complete with corrupted bytes, and garbage collection of unreferenced artifacts.
 *
 * <p>Subclasses run with {@code chunk-size=64KB} (PostgreSQL), {@code part-size=5MB} (S3) and a 16MB upload limit.
 */
abstract class ArtifactStoreContract {

    static final String ADMIN = TestHttp.basic("admin", "registry-admin-password");
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Larger than two S3 parts and 192 PostgreSQL chunks: exercises multipart uploads. */
    static final int LARGE = 12 * 1024 * 1024 + 123;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    MeterRegistry meters;

    @Autowired
    TransactionTemplate transactions;

    /** The store's name as recorded with each artifact. */
    abstract String storeName();

    /** Everything the store holds: chunks, objects, unfinished multipart uploads. */
    abstract long storeFootprint();

    /** Flips one byte of a stored blob behind the registry's back. */
    abstract void corrupt(String location, int offset);

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
        assertThat(a.get("store").asString()).isEqualTo(storeName());
        assertThat(a.get("format").asString()).isEqualTo("safetensors");
        assertThat(a.get("deduplicated").asBoolean()).isFalse();
        assertThat(a.get("tensors").toString()).contains("fc1.weight F32 [3, 4]");
        long footprint = storeFootprint();

        HttpResponse<String> again = upload(port, ADMIN, "art", "weights", w, sha);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(again.body()).get("deduplicated").asBoolean()).isTrue();
        assertThat(storeFootprint()).isEqualTo(footprint);
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
    void aLargeChunkedUploadStreamsAndRoundTrips() throws IOException {
        byte[] big = random(LARGE, 42);
        String sha = sha256(big);
        HttpResponse<String> r = uploadChunked(port, ADMIN, "art", big, sha);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).get("size").asLong()).isEqualTo(LARGE);
        assertThat(download(port, ADMIN, "art", sha).body()).isEqualTo(big);
    }

    @Test
    void digestMismatchTruncationAndInvalidFilesLeaveNoRowAndNoBytes() throws IOException {
        int artifacts = count("artifacts");
        long footprint = storeFootprint();
        byte[] w = weights();

        HttpResponse<String> mismatch = upload(port, ADMIN, "art", "weights", w, sha256(new byte[] {1}));
        assertProblem(mismatch, 400);
        assertThat(mismatch.body()).contains("digest-mismatch").contains(sha256(w));
        // the same for a body spread over several parts or chunks
        byte[] big = random(LARGE, 3);
        HttpResponse<String> bigMismatch = uploadChunked(port, ADMIN, "art", big, sha256(w));
        assertProblem(bigMismatch, 400);
        assertThat(bigMismatch.body()).contains("digest-mismatch").contains(sha256(big));

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

        // bodies cut off mid-stream: Content-Length promises more than arrives (the large one after whole parts)
        assertThat(cutOffUpload(w, sha256(w))).startsWith("HTTP/1.1 400").contains("application/problem+json");
        assertThat(cutOffUpload(big, sha256(big))).startsWith("HTTP/1.1 400").contains("application/problem+json");

        HttpResponse<String> tooLarge = uploadChunked(port, ADMIN, "art", new byte[17 * 1024 * 1024],
                sha256(new byte[17 * 1024 * 1024]));
        assertProblem(tooLarge, 413);

        assertThat(count("artifacts")).isEqualTo(artifacts);
        assertThat(storeFootprint()).isEqualTo(footprint);
    }

    @Test
    void aCorruptedBlobIsNeverServedAsACompleteDownload() throws IOException {
        byte[] file = random(200_000, 7);
        String sha = sha256(file);
        assertThat(upload(port, ADMIN, "art", "file", file, sha).statusCode()).isEqualTo(201);
        corrupt(jdbc.queryForObject("SELECT location FROM artifacts WHERE sha256 = ?", String.class, sha), 70_000);
        assertThatThrownBy(() -> {
            HttpResponse<byte[]> r = download(port, ADMIN, "art", sha);
            // if a response arrives at all, it must not be the complete body
            assertThat(r.body().length).isLessThan(file.length);
        }).isInstanceOfAny(IOException.class, AssertionError.class);
        assertThat(rawDownloadLength(sha)).isLessThan(file.length);
    }

    @Test
    void unreferencedArtifactsAreCollectedAfterTheGracePeriod() throws IOException {
        TestHttp http = new TestHttp(port);
        byte[] kept = random(100_000, 11);
        byte[] orphan = random(300_000, 12);
        byte[] young = random(50_000, 13);
        for (byte[] f : List.of(kept, orphan, young)) {
            assertThat(upload(port, ADMIN, "art", "file", f, sha256(f)).statusCode()).isEqualTo(201);
        }
        HttpResponse<String> v = http.postJson("/v1/models/art/versions", ADMIN, "{\"kind\":\"base\",\"artifacts\":"
                + "[{\"name\":\"kept.bin\",\"sha256\":\"" + sha256(kept) + "\"}]}");
        assertThat(v.statusCode()).as(v.body()).isEqualTo(201);
        int version = JSON.readTree(v.body()).get("version").asInt();
        age(sha256(kept));
        age(sha256(orphan));
        long footprint = storeFootprint();
        double deleted = counter("perennial.registry.artifacts.collected");
        double bytes = counter("perennial.registry.artifacts.collected.bytes");

        // the default grace (1h): only the aged, unreferenced artifact goes, bytes included
        HttpResponse<String> gc = http.postJson("/v1/artifacts/gc", ADMIN, "");
        assertThat(gc.statusCode()).as(gc.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(gc.body());
        assertThat(report.get("artifacts").asInt()).isEqualTo(1);
        assertThat(report.get("bytes").asLong()).isEqualTo(orphan.length);
        assertThat(exists(sha256(orphan))).isFalse();
        assertThat(exists(sha256(kept))).isTrue();
        assertThat(exists(sha256(young))).isTrue();
        assertThat(storeFootprint()).isLessThan(footprint);
        assertProblem(http.get("/v1/models/art/artifacts/" + sha256(orphan), ADMIN), 404);
        assertThat(download(port, ADMIN, "art", sha256(kept)).body()).isEqualTo(kept);
        assertThat(counter("perennial.registry.artifacts.collected")).isEqualTo(deleted + 1);
        assertThat(counter("perennial.registry.artifacts.collected.bytes")).isEqualTo(bytes + orphan.length);

        // collected content can be uploaded again
        HttpResponse<String> again = upload(port, ADMIN, "art", "file", orphan, sha256(orphan));
        assertThat(JSON.readTree(again.body()).get("deduplicated").asBoolean()).isFalse();
        assertThat(download(port, ADMIN, "art", sha256(orphan)).body()).isEqualTo(orphan);

        // deleting the version that named an artifact starts its grace period
        assertThat(http.send("DELETE", "/v1/models/art/versions/" + version, ADMIN, null, null).statusCode())
                .isEqualTo(204);
        http.postJson("/v1/artifacts/gc", ADMIN, "");
        assertThat(exists(sha256(kept))).isTrue();
        HttpResponse<String> now = http.postJson("/v1/artifacts/gc?grace=PT0S", ADMIN, "");
        assertThat(now.statusCode()).as(now.body()).isEqualTo(200);
        for (byte[] f : List.of(kept, orphan, young)) {
            assertThat(exists(sha256(f))).isFalse();
        }

        assertProblem(http.postJson("/v1/artifacts/gc?grace=soon", ADMIN, ""), 400);
        String operator = TestHttp.bearer(apiKeys.issue("gc-op", Role.OPERATOR, List.of(), null, "test").secret());
        assertProblem(http.postJson("/v1/artifacts/gc", operator, ""), 403);
    }

    @Test
    void aRegistrationInProgressKeepsItsArtifactFromTheCollection() throws Exception {
        byte[] f = random(10_000, 21);
        String sha = sha256(f);
        assertThat(upload(port, ADMIN, "art", "file", f, sha).statusCode()).isEqualTo(201);
        age(sha);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // holds the lock a registration takes when it checks the artifact, until the test lets go
        CompletableFuture<Void> registration = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(s -> {
            jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM artifacts WHERE sha256 = ? FOR KEY SHARE) a",
                    Integer.class, sha);
            locked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
        TestHttp http = new TestHttp(port);
        assertThat(http.postJson("/v1/artifacts/gc?grace=PT0S", ADMIN, "").statusCode()).isEqualTo(200);
        assertThat(exists(sha)).isTrue();
        release.countDown();
        registration.get(30, TimeUnit.SECONDS);

        // the registration itself: once it names the artifact, no collection touches it
        HttpResponse<String> v = http.postJson("/v1/models/art/versions", ADMIN, "{\"kind\":\"base\",\"artifacts\":"
                + "[{\"name\":\"f.bin\",\"sha256\":\"" + sha + "\"}]}");
        assertThat(v.statusCode()).as(v.body()).isEqualTo(201);
        assertThat(http.postJson("/v1/artifacts/gc?grace=PT0S", ADMIN, "").statusCode()).isEqualTo(200);
        assertThat(exists(sha)).isTrue();
        assertThat(download(port, ADMIN, "art", sha).body()).isEqualTo(f);
    }

    String cutOffUpload(byte[] body, String sha) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models/art/artifacts?kind=file HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN
                    + "\r\nContent-Type: application/octet-stream\r\nX-Content-SHA256: " + sha
                    + "\r\nContent-Length: " + (body.length + 1000) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            // Tomcat fails the read and answers the request itself; what matters is that nothing was stored
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    long rawDownloadLength(String sha) throws IOException {
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

    /** Moves an artifact's grace period two hours into the past. */
    void age(String sha) {
        jdbc.update("UPDATE artifacts SET touched_at = now() - interval '2 hours' WHERE sha256 = ?", sha);
    }

    boolean exists(String sha) {
        return jdbc.queryForObject("SELECT count(*) FROM artifacts WHERE sha256 = ?", Integer.class, sha) == 1;
    }

    double counter(String name) {
        var c = meters.find(name).tag("store", storeName()).counter();
        return c == null ? 0 : c.count();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    int count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Integer.class);
    }
}
