package io.perennial.worker.serving;

import io.perennial.learning.ContinualLearner;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.worker.WorkerProperties;
import io.perennial.worker.registry.VersionCache;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The loaded versions that answer predictions, one {@code production} version per model, swapped without dropping
 * requests: the new version is downloaded and loaded in the background while the old one keeps answering; then
 * the reference moves, and the old version is closed when its last in-flight request finishes. Versions asked for
 * explicitly (comparisons, the frozen baseline of the demo) are loaded on demand and kept.
 */
@Component
public class ServingModels implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ServingModels.class);

    /** A loaded version with a count of the requests using it. */
    static final class Loaded {
        final String model;
        final int version;
        final ContinualLearner learner;
        private final AtomicInteger users = new AtomicInteger(1); // the owner's reference
        private volatile boolean retired;

        Loaded(String model, int version, ContinualLearner learner) {
            this.model = model;
            this.version = version;
            this.learner = learner;
        }

        boolean acquire() {
            while (true) {
                int n = users.get();
                if (n == 0) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                learner.close();
                log.info("Closed {} v{}", model, version);
            }
        }

        void retire() {
            if (!retired) {
                retired = true;
                release();
            }
        }
    }

    /** The answer for one batch. */
    public record Answer(int version, RoutedPredictions predictions) {
    }

    private final VersionCache versions;
    private final ServedModelRepository served;
    private final WorkerProperties properties;
    private final Map<String, Loaded> production = new ConcurrentHashMap<>();
    private final Map<String, Loaded> pinned = new ConcurrentHashMap<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gpu-worker-model-loader");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    public ServingModels(VersionCache versions, ServedModelRepository served, WorkerProperties properties) {
        this.versions = versions;
        this.served = served;
        this.properties = properties;
    }

    /** Loads {@code version} of {@code model} in the background and makes it the production version. */
    public void swapTo(String model, int version) {
        if (!properties.isServingEnabled()) {
            return;
        }
        loader.submit(() -> load(model, version));
    }

    private void load(String model, int version) {
        Loaded current = production.get(model);
        if (current != null && current.version == version) {
            return;
        }
        try {
            long start = System.nanoTime();
            Loaded next = new Loaded(model, version, versions.load(model, version));
            Loaded old = production.put(model, next);
            log.info("Serving {} v{} (loaded in {} ms){}", model, version, (System.nanoTime() - start) / 1_000_000,
                    old == null ? "" : ", replacing v" + old.version);
            if (old != null) {
                old.retire();
            }
        } catch (Exception ex) {
            log.error("Could not load {} v{}; still serving {}", model, version,
                    current == null ? "nothing" : "v" + current.version, ex);
        }
    }

    /** The production version of a model, if one is loaded. */
    public Optional<Integer> productionVersion(String model) {
        Loaded l = production.get(model);
        return l == null ? Optional.empty() : Optional.of(l.version);
    }

    /**
     * Predicts a batch with the production version, or with {@code version} when given.
     *
     * @return empty when nothing is loaded for the model
     */
    public Optional<Answer> predict(String model, Integer version, LabeledData batch) throws java.io.IOException {
        Loaded loaded = version == null ? acquireProduction(model) : acquirePinned(model, version);
        if (loaded == null) {
            return Optional.empty();
        }
        try {
            RoutedPredictions p;
            synchronized (loaded) { // one forward pass per loaded model at a time (DJL models are not re-entrant)
                p = loaded.learner.predict(batch, RoutingMode.HARD);
            }
            return Optional.of(new Answer(loaded.version, p));
        } finally {
            loaded.release();
        }
    }

    private Loaded acquireProduction(String model) {
        while (true) {
            Loaded l = production.get(model);
            if (l == null) {
                return null;
            }
            if (l.acquire()) {
                return l;
            }
            // Swapped and closed between get and acquire: read the new one.
        }
    }

    private Loaded acquirePinned(String model, int version) throws java.io.IOException {
        Loaded p = production.get(model);
        if (p != null && p.version == version && p.acquire()) {
            return p;
        }
        String key = model + "@" + version;
        Loaded l;
        synchronized (pinned) {
            l = pinned.get(key);
            if (l == null) {
                l = new Loaded(model, version, versions.load(model, version));
                pinned.put(key, l);
            }
        }
        return l.acquire() ? l : null;
    }

    @Override
    public void start() {
        running = true;
        if (!properties.isServingEnabled()) {
            return;
        }
        for (ServedModel m : served.list()) {
            if (m.productionVersion() != null) {
                swapTo(m.model(), m.productionVersion());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        loader.shutdownNow();
        production.values().forEach(Loaded::retire);
        pinned.values().forEach(Loaded::retire);
        production.clear();
        pinned.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
