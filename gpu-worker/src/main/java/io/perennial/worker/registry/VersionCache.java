package io.perennial.worker.registry;

import io.perennial.learning.ContinualLearner;
import io.perennial.worker.LocalFiles;
import io.perennial.worker.WorkerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Versions downloaded from the registry into {@code perennial.worker.cache-dir/<model>/v<version>/}, one file per
 * artifact name, each verified against its SHA-256. A version directory is used only once complete (a marker file is
 * written last), so a crash mid-download leaves nothing that looks usable.
 */
@Component
public class VersionCache {

    private static final String COMPLETE = ".complete";

    private final RegistryGateway registry;
    private final Path root;

    public VersionCache(RegistryGateway registry, WorkerProperties properties) {
        this.registry = registry;
        this.root = properties.getCacheDir();
    }

    /** Downloads the version if needed and loads it. */
    public ContinualLearner load(String model, int version) throws IOException {
        return ContinualLearner.load(fetch(model, version));
    }

    /** The version's directory, downloaded if not cached yet. */
    public synchronized Path fetch(String model, int version) throws IOException {
        Path dir = root.resolve(model).resolve("v" + version);
        if (Files.exists(dir.resolve(COMPLETE))) {
            return dir;
        }
        LocalFiles.deleteTree(dir);
        JsonNode v = registry.version(model, version);
        for (JsonNode artifact : v.path("artifacts")) {
            String name = artifact.path("name").asString();
            Path target = dir.resolve(name).normalize();
            if (!target.startsWith(dir)) {
                throw new IOException("artifact name '" + name + "' of " + model + " v" + version + " leaves its directory");
            }
            registry.download(model, artifact.path("sha256").asString(), target);
        }
        Files.writeString(dir.resolve(COMPLETE), "");
        return dir;
    }
}
