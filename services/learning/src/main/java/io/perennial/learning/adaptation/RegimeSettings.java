package io.perennial.learning.adaptation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.perennial.learning.routing.RoutedModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per-regime serving settings on top of the routed model: class priors (a logit bias) and the archive (regimes out of
 * routing whose descriptor and adapter stay). Saved as {@value #CLASS_PRIORS_FILE} and {@value #ARCHIVED_FILE}; a
 * directory without them (saved before they existed) loads with no correction and nothing archived.
 */
public final class RegimeSettings {

    /** JSON object regime → priors (one per class). */
    public static final String CLASS_PRIORS_FILE = "class_priors.json";

    /** JSON array of archived regime names. */
    public static final String ARCHIVED_FILE = "archived.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RoutedModel model;
    private final String baseRegime;
    private final Map<String, double[]> priors = new LinkedHashMap<>();

    /**
     * Creates empty settings.
     *
     * @param model routed model the settings apply to
     * @param baseRegime name of the base regime (never archived)
     */
    public RegimeSettings(RoutedModel model, String baseRegime) {
        this.model = model;
        this.baseRegime = baseRegime;
    }

    /**
     * Sets a regime's class priors: its rows get the logit bias \( \log(\pi/\pi_{train}) \).
     *
     * @param regime regime name
     * @param newPriors one positive value per class (normalised here)
     */
    public void setClassPriors(String regime, double[] newPriors) {
        int classes = model.base().spec().classes();
        int[] counts = PriorCorrection.requireUsableTrainingCounts(regime, PriorEstimator.descriptor(model, regime), classes);
        double[] p = PriorCorrection.normalised(regime, newPriors, classes);
        model.setLogitBias(regime, PriorCorrection.logitBias(p, counts));
        priors.put(regime, p);
    }

    /**
     * Removes a regime's correction.
     *
     * @param regime regime name
     */
    public void clearClassPriors(String regime) {
        if (priors.remove(regime) != null) {
            model.setLogitBias(regime, null);
        }
    }

    /** Returns the corrected regimes' priors (copies). */
    public Map<String, double[]> classPriors() {
        Map<String, double[]> out = new LinkedHashMap<>();
        priors.forEach((k, v) -> out.put(k, v.clone()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Takes a regime out of routing.
     *
     * @param regime regime name (not the base)
     */
    public void archive(String regime) {
        if (baseRegime.equals(regime)) {
            throw new IllegalArgumentException("the base regime '" + baseRegime + "' cannot be archived");
        }
        if (model.router().archived().contains(regime)) {
            throw new IllegalArgumentException("regime '" + regime + "' is already archived");
        }
        model.router().setArchived(regime, true);
    }

    /**
     * Puts an archived regime back into routing.
     *
     * @param regime regime name
     */
    public void restore(String regime) {
        if (!model.router().archived().contains(regime)) {
            throw new IllegalArgumentException("regime '" + regime + "' is not archived (archived: " + model.router().archived() + ")");
        }
        model.router().setArchived(regime, false);
    }

    /** Returns the archived regimes. */
    public Set<String> archived() {
        return model.router().archived();
    }

    /**
     * Removes what belongs to a regime that no longer exists.
     *
     * @param regime regime name
     */
    public void regimeRemoved(String regime) {
        priors.remove(regime);
    }

    /**
     * Writes the files (only those with content).
     *
     * @param dir target directory
     * @throws IOException on write errors
     */
    public void save(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(CLASS_PRIORS_FILE));
        Files.deleteIfExists(dir.resolve(ARCHIVED_FILE));
        if (!priors.isEmpty()) {
            Files.writeString(dir.resolve(CLASS_PRIORS_FILE), JSON.writeValueAsString(priors));
        }
        if (!archived().isEmpty()) {
            Files.writeString(dir.resolve(ARCHIVED_FILE), JSON.writeValueAsString(new ArrayList<>(archived())));
        }
    }

    /**
     * Reads the files written by {@link #save}, if present, and applies them.
     *
     * @param dir directory
     * @throws IOException on read errors or unknown regimes
     */
    public void load(Path dir) throws IOException {
        Path archivedFile = dir.resolve(ARCHIVED_FILE);
        if (Files.exists(archivedFile)) {
            for (JsonNode n : JSON.readTree(Files.readString(archivedFile))) {
                requireKnown(dir, n.asString());
                archive(n.asString());
            }
        }
        Path priorsFile = dir.resolve(CLASS_PRIORS_FILE);
        if (Files.exists(priorsFile)) {
            for (Map.Entry<String, JsonNode> e : JSON.readTree(Files.readString(priorsFile)).properties()) {
                requireKnown(dir, e.getKey());
                List<Double> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asDouble()));
                setClassPriors(e.getKey(), values.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
    }

    private void requireKnown(Path dir, String regime) throws IOException {
        if (!model.router().regimeNames().contains(regime)) {
            throw new IOException(dir + ": names regime '" + regime + "' that the router does not know");
        }
    }
}
