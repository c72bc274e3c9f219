package io.perennial.registry.artifact;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Artifact storage settings ({@code perennial.registry.artifacts}). */
@ConfigurationProperties("perennial.registry.artifacts")
public class ArtifactProperties {

    /** Size of one stored chunk of a blob in the PostgreSQL store (default 1MB). */
    private DataSize chunkSize = DataSize.ofMegabytes(1);

    public DataSize getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(DataSize chunkSize) {
        this.chunkSize = chunkSize;
    }
}
