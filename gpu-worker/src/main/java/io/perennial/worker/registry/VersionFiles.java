package io.perennial.worker.registry;

import io.perennial.learning.ContinualLearner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How a model saved by {@link ContinualLearner#save} becomes a registry version: every file uploaded under its
 * relative path (which is how {@link VersionCache} lays it out again), and the router description. Shared by training
 * jobs and {@code perennial upload-base}, so an uploaded base is registered exactly like a trained one.
 */
public final class VersionFiles {

    private VersionFiles() {
    }

    /** Uploads one file as an artifact of the given kind and returns its SHA-256 (callers add retries). */
    @FunctionalInterface
    public interface Uploader {
        String upload(String name, String kind, Path file) throws IOException;
    }

    /**
     * Uploads every file under {@code dir}, in name order.
     *
     * @return the version's {@code artifacts}: name (path relative to {@code dir}, with {@code /}) and SHA-256
     */
    public static List<Map<String, Object>> uploadAll(Path dir, Uploader uploader) throws IOException {
        List<Map<String, Object>> artifacts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(file).toString().replace('\\', '/');
                artifacts.add(Map.of("name", name, "sha256", uploader.upload(name, kindOf(name), file)));
            }
        }
        return artifacts;
    }

    /** The registry's artifact kind of a saved file: it validates weights and adapters against the model family. */
    public static String kindOf(String name) {
        if (name.endsWith("adapter_model.safetensors")) {
            return "adapter";
        }
        if (name.endsWith(ContinualLearner.ROUTER_FILE)) {
            return "router";
        }
        if (name.endsWith(".safetensors")) {
            return "weights";
        }
        return "file";
    }

    /**
     * The version's {@code router}: its regimes, those archived (out of routing, adapter and descriptor kept), the
     * class priors of prior-corrected regimes, the segments (each window's offsets and the regime it is mapped to),
     * its file and which adapter serves each regime.
     *
     * @param segments segment name to its window (topic and offsets) and {@code regime}; empty for an uploaded base
     */
    public static Map<String, Object> router(ContinualLearner model, Map<String, Object> segments) {
        Map<String, Object> router = new LinkedHashMap<>();
        router.put("regimes", model.routedModel().router().regimeNames());
        router.put("archived", List.copyOf(model.archivedRegimes()));
        router.put("classPriors", model.classPriors());
        router.put("segments", segments);
        router.put("file", ContinualLearner.ROUTER_FILE);
        router.put("regimeAdapters", model.regimeAdapterNames());
        return router;
    }
}
