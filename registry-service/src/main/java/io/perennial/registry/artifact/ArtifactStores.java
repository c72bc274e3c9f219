package io.perennial.registry.artifact;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The configured stores: new uploads go to the one named by {@code perennial.registry.artifacts.store}; an artifact
 * is read and deleted through the store recorded in its row, so switching stores leaves older artifacts readable
 * (PostgreSQL is always there; S3 only when configured).
 */
@Component
public class ArtifactStores {

    private final Map<String, ArtifactStore> byName;
    private final ArtifactStore forUploads;

    public ArtifactStores(List<ArtifactStore> stores, ArtifactProperties properties) {
        this.byName = stores.stream().collect(Collectors.toUnmodifiableMap(ArtifactStore::name, Function.identity()));
        String wanted = properties.getStore().id();
        this.forUploads = byName.get(wanted);
        if (forUploads == null) {
            throw new IllegalStateException("perennial.registry.artifacts.store=" + wanted + " but no such store is "
                    + "configured (have " + byName.keySet() + ")");
        }
    }

    /** Where new uploads are written. */
    public ArtifactStore forUploads() {
        return forUploads;
    }

    /** The store an artifact row names. */
    public ArtifactStore named(String name) {
        ArtifactStore store = byName.get(name);
        if (store == null) {
            throw new IllegalStateException("artifacts are stored in '" + name + "', which is not configured here "
                    + "(perennial.registry.artifacts.store and its settings)");
        }
        return store;
    }

    /** The store an artifact row names, if it is configured here. */
    public Optional<ArtifactStore> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every configured store. */
    public List<ArtifactStore> all() {
        return List.copyOf(byName.values());
    }
}
