package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.adapterWeights;
import static io.perennial.registry.RegistryFixtures.sha256;
import static io.perennial.registry.RegistryFixtures.upload;
import static io.perennial.registry.RegistryFixtures.uploadChunked;
import static io.perennial.registry.RegistryFixtures.weights;
import static io.perennial.testing.TestHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.support.security.Role;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The artifact contract on the PostgreSQL store, plus what is specific to it (chunks) and to upload validation. */
@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password",
        "perennial.registry.artifacts.chunk-size=64KB",
        "perennial.web.max-request-size-by-path[/v1/models/*/artifacts]=16MB"})
class ArtifactIT extends ArtifactStoreContract {

    @Override
    String storeName() {
        return "postgres";
    }

    @Override
    long storeFootprint() {
        return count("blob_chunks");
    }

    @Override
    void corrupt(String location, int offset) {
        jdbc.update("UPDATE blob_chunks SET data = set_byte(data, ?, (get_byte(data, ?) + 1) % 256) "
                + "WHERE blob_id = ? AND seq = ?", offset % 65536, offset % 65536, Long.parseLong(location),
                offset / 65536);
    }

    @Test
    void aChunkedUploadIsStoredAsFixedSizeChunks() {
        byte[] big = random(3 * 1024 * 1024 + 123, 43);
        String sha = sha256(big);
        HttpResponse<String> r = uploadChunked(port, ADMIN, "art", big, sha);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long blob = Long.parseLong(jdbc.queryForObject("SELECT location FROM artifacts WHERE sha256 = ?",
                String.class, sha));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob_chunks WHERE blob_id = ?", Integer.class, blob))
                .isEqualTo(49);
        assertThat(jdbc.queryForObject("SELECT max(octet_length(data)) FROM blob_chunks WHERE blob_id = ?",
                Integer.class, blob)).isEqualTo(64 * 1024);
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
}
