package io.perennial.registry.artifact.s3;

import io.perennial.registry.artifact.ArtifactProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The S3 store exists when a bucket is configured ({@code perennial.registry.artifacts.s3.bucket}); uploads go to it
 * when {@code perennial.registry.artifacts.store=s3}. Keeping it configured after switching uploads back to PostgreSQL
 * keeps the artifacts already in the bucket readable.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("perennial.registry.artifacts.s3.bucket")
public class S3StoreConfiguration {

    @Bean(destroyMethod = "close")
    S3Client artifactS3Client(ArtifactProperties properties) {
        ArtifactProperties.S3 p = properties.getS3();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(p.getRegion()))
                .forcePathStyle(p.isPathStyle())
                .credentialsProvider(credentials(p))
                // our own SHA-256 covers the content; the SDK's default CRC trailers are not understood by every
                // S3-compatible server
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (p.getEndpoint() != null) {
            builder.endpointOverride(p.getEndpoint());
        }
        return builder.build();
    }

    @Bean
    S3ArtifactStore s3ArtifactStore(S3Client artifactS3Client, ArtifactProperties properties) {
        ArtifactProperties.S3 p = properties.getS3();
        try {
            artifactS3Client.headBucket(b -> b.bucket(p.getBucket()));
        } catch (NoSuchBucketException ex) {
            if (!p.isCreateBucket()) {
                throw new IllegalStateException("the artifact bucket '" + p.getBucket() + "' does not exist at "
                        + (p.getEndpoint() == null ? "AWS S3" : p.getEndpoint()) + "; create it or set "
                        + "perennial.registry.artifacts.s3.create-bucket=true", ex);
            }
            artifactS3Client.createBucket(b -> b.bucket(p.getBucket()));
        }
        return new S3ArtifactStore(artifactS3Client, p);
    }

    private static AwsCredentialsProvider credentials(ArtifactProperties.S3 p) {
        boolean hasId = p.getAccessKeyId() != null && !p.getAccessKeyId().isBlank();
        boolean hasSecret = p.getSecretAccessKey() != null && !p.getSecretAccessKey().isBlank();
        if (hasId != hasSecret) {
            throw new IllegalStateException("set both perennial.registry.artifacts.s3.access-key-id and "
                    + "secret-access-key, or neither (then the AWS SDK's default credential chain is used)");
        }
        return hasId ? StaticCredentialsProvider.create(AwsBasicCredentials.create(p.getAccessKeyId(),
                p.getSecretAccessKey())) : DefaultCredentialsProvider.builder().build();
    }
}
