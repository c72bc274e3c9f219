package io.perennial.worker.registry;

import io.perennial.support.web.PeerServices;
import io.perennial.worker.WorkerProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/** REST calls to registry-service with the service token. Failures surface as {@code RestClientException}. */
@Component
public class RegistryGateway {

    private final RestClient http;

    @Autowired
    public RegistryGateway(PeerServices peers, WorkerProperties properties) {
        this(peers.client(properties.getRegistryUrl(), Duration.ofMinutes(5)));
    }

    /**
     * A gateway over a client made elsewhere, e.g. by the command line with an operator's API key.
     *
     * @param http a client whose base URL is registry-service and which sends credentials
     */
    public RegistryGateway(RestClient http) {
        this.http = http;
    }

    /** The version {@code production} points at, if any. */
    public Optional<Integer> production(String model) {
        try {
            JsonNode alias = http.get().uri("/v1/models/{m}/aliases/production", model).retrieve()
                    .body(JsonNode.class);
            return Optional.of(alias.path("version").asInt());
        } catch (HttpClientErrorException.NotFound ex) {
            return Optional.empty();
        }
    }

    public JsonNode version(String model, int version) {
        return http.get().uri("/v1/models/{m}/versions/{v}", model, version).retrieve().body(JsonNode.class);
    }

    /** The newest version of the model of the given kind, if any. */
    public Optional<JsonNode> newest(String model, String kind) {
        JsonNode page = http.get().uri("/v1/models/{m}/versions?kind={k}&order=desc&limit=1", model, kind)
                .retrieve().body(JsonNode.class);
        return page.path("items").isEmpty() ? Optional.empty() : Optional.of(page.path("items").get(0));
    }

    /** The version a job registered, if it did (a re-delivered job must not register a second one). */
    public Optional<JsonNode> versionOfJob(String model, String jobId) {
        JsonNode page = http.get().uri("/v1/models/{m}/versions?jobId={j}&limit=1", model, jobId).retrieve()
                .body(JsonNode.class);
        return page.path("items").isEmpty() ? Optional.empty() : Optional.of(page.path("items").get(0));
    }

    /** Evaluation reports of a version, newest first. */
    public JsonNode evaluations(String model, int version) {
        return http.get().uri("/v1/models/{m}/versions/{v}/evaluations", model, version).retrieve()
                .body(JsonNode.class);
    }

    /**
     * Streams a file up as an artifact; the registry verifies it against the digest.
     *
     * @return the artifact's SHA-256
     */
    public String upload(String model, String kind, Path file) throws IOException {
        String sha = sha256(file);
        http.post().uri("/v1/models/{m}/artifacts?kind={k}", model, kind)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).header("X-Content-SHA256", sha)
                .body(new FileSystemResource(file)).retrieve().toBodilessEntity();
        return sha;
    }

    /** Downloads an artifact into {@code target}, verifying its digest; nothing is left behind on a mismatch. */
    public void download(String model, String sha256, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        String actual = http.get().uri("/v1/models/{m}/artifacts/{s}", model, sha256).exchange((request, response) -> {
            if (response.getStatusCode().isError()) {
                throw new IOException("registry answered " + response.getStatusCode() + " for artifact " + sha256);
            }
            MessageDigest digest = sha256Digest();
            try (InputStream in = new DigestInputStream(response.getBody(), digest);
                    OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            return HexFormat.of().formatHex(digest.digest());
        });
        if (!sha256.equals(actual)) {
            Files.deleteIfExists(partial);
            throw new IOException("artifact " + sha256 + " arrived with digest " + actual);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Registers a version; returns its number. */
    public int register(String model, Map<String, Object> version) {
        JsonNode created = http.post().uri("/v1/models/{m}/versions", model).contentType(MediaType.APPLICATION_JSON)
                .body(version).retrieve().body(JsonNode.class);
        return created.path("version").asInt();
    }

    /**
     * Promotes a version through the model's gate, or past it when {@code force} (audited with the reason).
     *
     * @throws HttpClientErrorException.Conflict when the gate refuses it (the problem lists the failed conditions)
     */
    public void promote(String model, int version, String reason, boolean force) {
        http.post().uri("/v1/models/{m}/versions/{v}/promote", model, version).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("reason", reason, "force", force)).retrieve().toBodilessEntity();
    }

    public void evaluate(String model, int version, Map<String, Object> report) {
        http.post().uri("/v1/models/{m}/versions/{v}/evaluations", model, version)
                .contentType(MediaType.APPLICATION_JSON).body(report).retrieve().toBodilessEntity();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
