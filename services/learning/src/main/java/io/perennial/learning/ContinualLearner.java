package io.perennial.learning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.learning.adaptation.PriorEstimator;
import io.perennial.learning.adaptation.RegimeSettings;
import io.perennial.learning.adaptation.WindowAssessment;
import io.perennial.learning.adaptation.WindowAssessor;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.Evaluator;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.lora.AdapterIO;
import io.perennial.learning.lora.LoraAdapter;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.merge.AdapterMerger;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import io.perennial.learning.model.BaseModelIO;
import io.perennial.learning.model.LayerDelta;
import io.perennial.learning.model.Network;
import io.perennial.learning.routing.AdapterRouter;
import io.perennial.learning.routing.RoutedModel;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.AdapterTrainer;
import io.perennial.learning.training.Distillation;
import io.perennial.learning.training.Trainer;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import io.perennial.learning.training.listener.TrainingSummary;

/**
 * The entry point the gpu-worker uses: a frozen base trained on a stream's first window, one LoRA adapter
 * per later regime, and a router between them.
 *
 * <p>Typical life cycle:
 * <pre>{@code
 * try (ContinualLearner cl = ContinualLearner.trainBase(spec, firstWindow, cfg, listener, RouterConfig.defaults())) {
 *     AdapterTrainer.Result r = cl.trainAdapter("regime-2", segmentWindow, LoraOptions.defaults(), cfg, listener);
 *     ProbeReport report = cl.evaluate(probes, servingPredictions);   // accuracy row + flip rates
 *     RoutedPredictions p = cl.predict(batch, RoutingMode.HARD);        // class, probabilities, adapter, novelty
 *     cl.save(dir);                                                    // base/, adapters/<name>/, router.safetensors
 * }
 * }</pre>
 * The base regime is named {@value #BASE_REGIME}. Not thread-safe for concurrent training; prediction is
 * serialised per instance.
 */
public final class ContinualLearner implements AutoCloseable {

    /** Name of the base regime (no adapter). */
    public static final String BASE_REGIME = "base";

    /** File holding the router's projection and descriptors. */
    public static final String ROUTER_FILE = "router.safetensors";

    /** JSON object regime → adapter, for regimes served by an adapter of another name (after a merge). */
    public static final String REGIME_ADAPTERS_FILE = "regime_adapters.json";

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private final Network base;
    private final RoutedModel routed;
    private final Map<String, LoraAdapter> adapters = new LinkedHashMap<>();
    private final Map<String, String> regimeAdapters = new LinkedHashMap<>();
    private final RegimeSettings settings;

    private ContinualLearner(Network base, RoutedModel routed) {
        this.base = base;
        this.routed = routed;
        this.settings = new RegimeSettings(routed, BASE_REGIME);
    }

    /**
     * Trains a base model from scratch on a stream's first window (deterministic given {@code cfg.seed()}),
     * freezes it and registers the base regime.
     *
     * @param spec model family
     * @param window first window
     * @param cfg training hyperparameters (seed also initialises the weights)
     * @param listener progress callbacks
     * @param routerConfig router settings
     * @return the learner (close it)
     */
    public static ContinualLearner trainBase(ModelFamilySpec spec, LabeledData window, TrainingConfig cfg,
            TrainingListener listener, RouterConfig routerConfig) {
        Network net = Network.initialize(spec, cfg.seed());
        try {
            Trainer.train(BASE_REGIME, net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()), window, null, null, cfg, listener);
            return fromBase(net, window, routerConfig);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * Wraps an existing (for example uploaded) base; {@code baseWindow} describes the base regime.
     *
     * @param base the base (owned by the learner from now on)
     * @param baseWindow samples of the base regime
     * @param routerConfig router settings
     * @return the learner
     */
    public static ContinualLearner fromBase(Network base, LabeledData baseWindow, RouterConfig routerConfig) {
        base.setTrainable(false);
        int dim = penultimateDim(base);
        RoutedModel routed = new RoutedModel(base, new AdapterRouter(dim, routerConfig));
        routed.addRegime(BASE_REGIME, null, baseWindow);
        return new ContinualLearner(base, routed);
    }

    private static int penultimateDim(Network base) {
        return base.spec().linearLayer(base.spec().headLayer()).in();
    }

    /** Returns the frozen base. */
    public Network base() {
        return base;
    }

    /** Returns the routed model. */
    public RoutedModel routedModel() {
        return routed;
    }

    /** Returns the adapters by name. */
    public Map<String, LoraAdapter> adapters() {
        return java.util.Collections.unmodifiableMap(adapters);
    }

    /**
     * Trains a new adapter on one segment's window only and routes the segment's regime to it.
     *
     * <p>With {@code cfg.distillationWeight() > 0} the current serving model (the routed model before this
     * adapter) labels the new window with tempered probabilities, which the adapter also matches.
     *
     * @param name adapter / regime name
     * @param segment the segment's training window
     * @param options rank, α, targets
     * @param cfg hyperparameters
     * @param listener progress callbacks (stream them as job progress)
     * @return the adapter and its summary
     */
    public AdapterTrainer.Result trainAdapter(String name, LabeledData segment, LoraOptions options, TrainingConfig cfg,
            TrainingListener listener) {
        if (adapters.containsKey(name) || BASE_REGIME.equals(name)) {
            throw new IllegalArgumentException("adapter '" + name + "' already exists");
        }
        float[] teacher = null;
        if (cfg.distillationWeight() > 0) {
            teacher = Distillation.temperedSoftmax(routed.logits(segment), base.spec().classes(), cfg.distillationTemperature());
        }
        AdapterTrainer.Result r = AdapterTrainer.train(base, name, segment, options, cfg, teacher, listener);
        addAdapter(r.adapter(), segment);
        return r;
    }

    /**
     * Registers a trained or loaded adapter with a descriptor fitted on its regime's window.
     *
     * @param adapter adapter of this base (owned by the learner from now on)
     * @param regimeWindow samples of its regime
     */
    public void addAdapter(LoraAdapter adapter, LabeledData regimeWindow) {
        routed.addRegime(adapter.name(), adapter, regimeWindow);
        adapters.put(adapter.name(), adapter);
    }

    /**
     * Removes an adapter and its regime.
     *
     * @param name adapter name
     */
    public void removeAdapter(String name) {
        LoraAdapter a = adapters.remove(name);
        if (a == null) {
            throw new IllegalArgumentException("no adapter '" + name + "'");
        }
        routed.removeRegime(name);
        settings.regimeRemoved(name);
        a.close();
    }

    /**
     * Assesses a fully labelled window against every known regime, active and archived.
     *
     * @param window samples with labels
     * @return the evidence ({@link WindowAssessment#toMap()} is the ASSESS job's result)
     */
    public WindowAssessment assess(LabeledData window) {
        return assess(window, null);
    }

    /**
     * Assesses a window in which only some rows carry a real label.
     *
     * @param window samples (labels of unlabelled rows are ignored)
     * @param labelled which rows are labelled (null: all)
     * @return the evidence
     */
    public WindowAssessment assess(LabeledData window, boolean @Nullable [] labelled) {
        return WindowAssessor.assess(routed, window, labelled);
    }

    /**
     * Estimates a regime's class priors on a window: labels when at least 80 % of the rows are labelled (here: all),
     * else the EM of Saerens et al. (2002) on the regime's posteriors.
     *
     * @param regime regime name
     * @param window samples
     * @return one prior per class
     * @throws IllegalArgumentException with the reason for a degenerate window (too few rows, a single class, an empty
     *     class) or a regime whose training priors are unknown or have an empty class
     */
    public double[] estimatePriors(String regime, LabeledData window) {
        return estimatePriors(regime, window, null);
    }

    /**
     * Estimates a regime's class priors on a partly labelled window (see {@link #estimatePriors(String, LabeledData)}).
     *
     * @param regime regime name
     * @param window samples
     * @param labelled which rows are labelled (null: all)
     * @return one prior per class
     */
    public double[] estimatePriors(String regime, LabeledData window, boolean @Nullable [] labelled) {
        return PriorEstimator.estimateForCorrection(routed, regime, window, labelled);
    }

    /**
     * Serves a regime under new class priors: rows routed to it get the logit bias log(π/π_train) in
     * {@link #predict} and {@link #evaluate}. Saved with {@link #save}.
     *
     * @param regime regime name
     * @param priors one positive value per class (normalised)
     */
    public void setClassPriors(String regime, double[] priors) {
        settings.setClassPriors(regime, priors);
    }

    /**
     * Removes a regime's prior correction (it serves under its training priors again).
     *
     * @param regime regime name
     */
    public void clearClassPriors(String regime) {
        settings.clearClassPriors(regime);
    }

    /** Returns the prior-corrected regimes and their priors. */
    public Map<String, double[]> classPriors() {
        return settings.classPriors();
    }

    /**
     * Archives a regime: it leaves routing (its rows go to the remaining regimes), its descriptor and adapter stay,
     * are saved, and {@link #assess} still evaluates it. The base regime cannot be archived.
     *
     * @param regime regime name
     */
    public void archiveRegime(String regime) {
        settings.archive(regime);
    }

    /**
     * Puts an archived regime back into routing.
     *
     * @param regime regime name
     */
    public void restoreRegime(String regime) {
        settings.restore(regime);
    }

    /** Returns the archived regimes. */
    public java.util.Set<String> archivedRegimes() {
        return settings.archived();
    }

    /**
     * Predicts with routing.
     *
     * @param batch samples (labels ignored)
     * @param mode hard or soft
     * @return classes, probabilities, regime per row and novelty
     */
    public RoutedPredictions predict(LabeledData batch, RoutingMode mode) {
        return routed.predict(batch, mode);
    }

    /**
     * Predicts every probe with hard routing.
     *
     * @param probes held-out probes, one per segment
     * @return predictions per probe
     */
    public List<Predictions> predictProbes(List<LabeledData> probes) {
        List<Predictions> out = new ArrayList<>();
        for (LabeledData p : probes) {
            out.add(routed.predict(p, RoutingMode.HARD).predictions());
        }
        return out;
    }

    /**
     * Evaluates on probes: the accuracy row {@code R[i][·]} and flip rates against the serving version.
     *
     * @param probes probes in segment order
     * @param serving serving version's predictions on the same probes, or null
     * @return the report
     */
    public ProbeReport evaluate(List<LabeledData> probes, @Nullable List<Predictions> serving) {
        return ProbeReport.of(probes, predictProbes(probes), serving);
    }

    /**
     * Merges adapters into one rank-r adapter (not registered).
     *
     * @param newName name of the result
     * @param names adapters to merge
     * @param method merge method
     * @param options merge hyperparameters
     * @param r rank of the result
     * @param alpha α of the result
     * @return the merged adapter (caller closes or registers it)
     */
    public LoraAdapter mergeAdapters(String newName, List<String> names, MergeMethod method, MergeOptions options, int r, double alpha) {
        return AdapterMerger.refactorize(newName, base, resolve(names), method, options, r, alpha);
    }

    /**
     * Merges the adapters of several regimes into one adapter that then serves all of them: the router keeps every
     * regime's descriptor (routing is unchanged), the sources are closed and dropped. This is how a model keeps its
     * adapter count bounded; whether the merge keeps each regime's accuracy is for the evaluation and the gate to say.
     *
     * @param mergedName name of the merged adapter
     * @param regimes regimes whose adapters are merged (each currently served by an adapter)
     * @param method merge method
     * @param options merge hyperparameters
     * @param r rank of the merged adapter
     * @param alpha α of the merged adapter
     * @return the merged adapter (owned by the learner)
     */
    public LoraAdapter mergeRegimes(String mergedName, List<String> regimes, MergeMethod method, MergeOptions options,
            int r, double alpha) {
        if (adapters.containsKey(mergedName) || routed.router().regimeNames().contains(mergedName)) {
            throw new IllegalArgumentException("name '" + mergedName + "' is already taken");
        }
        java.util.LinkedHashSet<LoraAdapter> sources = new java.util.LinkedHashSet<>();
        for (String regime : regimes) {
            LoraAdapter a = BASE_REGIME.equals(regime) ? null : routed.adapterOf(regime);
            if (a == null) {
                throw new IllegalArgumentException("regime '" + regime + "' has no adapter to merge");
            }
            sources.add(a);
        }
        LoraAdapter merged = AdapterMerger.refactorize(mergedName, base, List.copyOf(sources), method, options, r, alpha);
        for (String regime : regimes) {
            routed.replaceAdapter(regime, merged);
            regimeAdapters.put(regime, mergedName);
        }
        adapters.put(mergedName, merged);
        for (LoraAdapter source : sources) {
            boolean stillServing = routed.regimes().stream().anyMatch(x -> x.adapter() == source);
            if (!stillServing) {
                adapters.remove(source.name());
                regimeAdapters.values().removeIf(source.name()::equals);
                source.close();
            }
        }
        return merged;
    }

    /** The adapter serving each regime that has one, by name. */
    public Map<String, String> regimeAdapterNames() {
        Map<String, String> out = new LinkedHashMap<>();
        for (RoutedModel.Regime r : routed.regimes()) {
            if (r.adapter() != null) {
                out.put(r.name(), r.adapter().name());
            }
        }
        return out;
    }

    /**
     * Folds merged adapters into a copy of the base.
     *
     * @param names adapters
     * @param method merge method
     * @param options merge hyperparameters
     * @return the merged network (caller closes it)
     */
    public Network foldAdapters(List<String> names, MergeMethod method, MergeOptions options) {
        return AdapterMerger.foldInto(base, resolve(names), method, options);
    }

    /**
     * Evaluates a plain network (for example a merged one) on probes.
     *
     * @param net network
     * @param probes probes
     * @return predictions per probe
     */
    public static List<Predictions> predictProbes(Network net, List<LabeledData> probes) {
        return Evaluator.predictAll(net, LayerDelta.NONE, probes);
    }

    private List<LoraAdapter> resolve(List<String> names) {
        List<LoraAdapter> out = new ArrayList<>();
        for (String n : names) {
            LoraAdapter a = adapters.get(n);
            if (a == null) {
                throw new IllegalArgumentException("no adapter '" + n + "' (have " + adapters.keySet() + ")");
            }
            out.add(a);
        }
        return out;
    }

    /**
     * Saves one adapter in PEFT layout.
     *
     * @param name adapter
     * @param dir target directory
     * @throws IOException on write errors
     */
    public void saveAdapter(String name, Path dir) throws IOException {
        AdapterIO.save(resolve(List.of(name)).get(0), dir);
    }

    /**
     * Saves everything: {@code base/} (safetensors + family JSON), {@code adapters/<name>/} (PEFT layout) and
     * {@code router.safetensors}.
     *
     * @param dir target directory
     * @throws IOException on write errors
     */
    public void save(Path dir) throws IOException {
        BaseModelIO.save(base, dir.resolve("base"));
        for (LoraAdapter a : adapters.values()) {
            AdapterIO.save(a, dir.resolve("adapters").resolve(a.name()));
        }
        Safetensors.write(routed.router().toSafetensors(), dir.resolve(ROUTER_FILE));
        if (!regimeAdapters.isEmpty()) {
            Files.writeString(dir.resolve(REGIME_ADAPTERS_FILE), JSON.writeValueAsString(regimeAdapters));
        }
        settings.save(dir);
    }

    /**
     * Loads what {@link #save} wrote.
     *
     * @param dir directory
     * @return the learner
     * @throws IOException on read errors or invalid files
     */
    public static ContinualLearner load(Path dir) throws IOException {
        Network base = BaseModelIO.load(dir.resolve("base"));
        try {
            base.setTrainable(false);
            AdapterRouter router = AdapterRouter.fromSafetensors(Safetensors.read(dir.resolve(ROUTER_FILE)));
            RoutedModel routed = new RoutedModel(base, router);
            ContinualLearner cl = new ContinualLearner(base, routed);
            Map<String, String> shared = new LinkedHashMap<>();
            Path mapping = dir.resolve(REGIME_ADAPTERS_FILE);
            if (Files.exists(mapping)) {
                JSON.readTree(Files.readString(mapping)).properties()
                        .forEach(e -> shared.put(e.getKey(), e.getValue().asString()));
            }
            for (String regime : router.regimeNames()) {
                if (BASE_REGIME.equals(regime)) {
                    routed.attach(regime, null);
                    continue;
                }
                String name = shared.getOrDefault(regime, regime);
                LoraAdapter a = cl.adapters.get(name);
                if (a == null) {
                    Path ad = dir.resolve("adapters").resolve(name);
                    if (!Files.isDirectory(ad)) {
                        throw new IOException(dir + ": router names regime '" + regime + "' but adapters/" + name
                                + " is missing");
                    }
                    a = AdapterIO.load(ad, base.spec());
                    if (!a.baseFingerprint().equals(base.fingerprint())) {
                        a.close();
                        throw new IllegalArgumentException("adapter '" + name + "' was trained on base "
                                + a.baseFingerprint() + ", not on " + base.fingerprint());
                    }
                    cl.adapters.put(name, a);
                }
                routed.attach(regime, a);
                if (!name.equals(regime)) {
                    cl.regimeAdapters.put(regime, name);
                }
            }
            cl.settings.load(dir);
            return cl;
        } catch (IOException | RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /**
     * Trains the base only (no learner), for callers that manage their own models.
     *
     * @param spec family
     * @param window data
     * @param cfg hyperparameters
     * @param listener callbacks
     * @return the trained network and its summary
     */
    public static Map.Entry<Network, TrainingSummary> trainNetwork(ModelFamilySpec spec, LabeledData window, TrainingConfig cfg,
            TrainingListener listener) {
        Network net = Network.initialize(spec, cfg.seed());
        TrainingSummary s = Trainer.train("network", net, LayerDelta.NONE, new ArrayList<>(net.parameters().values()), window, null, null, cfg, listener);
        return Map.entry(net, s);
    }

    @Override
    public void close() {
        for (LoraAdapter a : adapters.values()) {
            a.close();
        }
        routed.router().close();
        base.close();
    }
}
