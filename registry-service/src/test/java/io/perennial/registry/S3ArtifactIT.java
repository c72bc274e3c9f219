package io.perennial.registry;

import static io.perennial.registry.RegistryFixtures.sha256;
import static io.perennial.registry.RegistryFixtures.upload;
import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.registry.artifact.ArtifactProperties;
import io.perennial.testing.PerennialIntegrationTest;
import io.perennial.testing.TestHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The artifact contract on the S3 store, against a real S3-compatible server ({@link S3ServerExtension}: S3Proxy
 * in its own JVM, or the server named by {@code PERENNIAL_TEST_S3_ENDPOINT}).
 */
@ExtendWith(S3ServerExtension.class)
@PerennialIntegrationTest(properties = {"spring.config.name=registry-service",
        "perennial.security.bootstrap-admin-password=registry-admin-password",
        "perennial.web.max-request-size-by-path[/v1/models/*/artifacts]=16MB"})
class S3ArtifactIT extends ArtifactStoreContract {

    @Autowired
    S3Client s3;

    @Autowired
    ArtifactProperties properties;

    @Override
    String storeName() {
        return "s3";
    }

    String bucket() {
        return properties.getS3().getBucket();
    }

    String keys() {
        return properties.getS3().getPrefix() + "sha256/";
    }

    @Override
    long storeFootprint() {
        long objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(keys())).contents().stream().count();
        long unfinished = s3.listMultipartUploadsPaginator(b -> b.bucket(bucket()).prefix(keys())).uploads().stream()
                .count();
        return objects + unfinished;
    }

    @Override
    void corrupt(String location, int offset) {
        byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket()).key(location)).asByteArray();
        bytes[offset]++;
        s3.putObject(b -> b.bucket(bucket()).key(location), RequestBody.fromBytes(bytes));
    }

    @Test
    void objectsAreContentAddressedAndStraysAreSwept() throws Exception {
        byte[] f = random(1000, 31);
        String sha = sha256(f);
        assertThat(upload(port, ADMIN, "art", "file", f, sha).statusCode()).isEqualTo(201);
        String location = jdbc.queryForObject("SELECT location FROM artifacts WHERE sha256 = ?", String.class, sha);
        assertThat(location).startsWith(keys() + sha + "/");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket()).key(location)).asByteArray()).isEqualTo(f);

        // what a crash leaves: an object no row names, and a multipart upload never completed
        String stray = keys() + "f".repeat(64) + "/crashed";
        s3.putObject(b -> b.bucket(bucket()).key(stray), RequestBody.fromBytes(new byte[] {1, 2, 3}));
        String unfinishedKey = keys() + "e".repeat(64) + "/crashed";
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket()).key(unfinishedKey)).uploadId();
        s3.uploadPart(b -> b.bucket(bucket()).key(unfinishedKey).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(new byte[1024]));
        long footprint = storeFootprint();
        // S3 times have one-second resolution: let both be older than "now" for a zero grace
        Thread.sleep(1100);

        HttpResponse<String> gc = new TestHttp(port).postJson("/v1/artifacts/gc?grace=PT0S", ADMIN, "");
        JsonNode report = JSON.readTree(gc.body());
        assertThat(report.get("strays").asInt()).as(gc.body()).isEqualTo(2);
        assertThat(storeFootprint()).isLessThanOrEqualTo(footprint - 2);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket()).prefix(stray)).contents()).isEmpty();
    }
}
