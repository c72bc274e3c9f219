package io.perennial.learning.adaptation;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence a window gives against every known regime (active and archived) and the similarity of the active
 * adapters: what the trainer's alarm decision is made from.
 *
 * @param samples rows in the window
 * @param labelled labelled rows
 * @param regimes evidence per regime, in router order
 * @param adapterSimilarity one entry per pair of active adapter regimes
 */
public record WindowAssessment(int samples, int labelled, List<RegimeEvidence> regimes, List<AdapterSimilarity> adapterSimilarity) {

    /** Copies the lists. */
    public WindowAssessment {
        regimes = List.copyOf(regimes);
        adapterSimilarity = List.copyOf(adapterSimilarity);
    }

    /**
     * The nearest regime: the smallest mean distance (ties: the larger routed share).
     *
     * @return the evidence of the nearest regime, empty when there is none
     */
    public Optional<RegimeEvidence> nearest() {
        return regimes.stream().min(Comparator.comparingDouble(RegimeEvidence::meanDistance)
                .thenComparing(Comparator.comparingDouble(RegimeEvidence::routedShare).reversed()));
    }

    /**
     * Returns the evidence for one regime.
     *
     * @param regime name
     * @return the evidence
     */
    public RegimeEvidence regime(String regime) {
        return regimes.stream().filter(r -> r.regime().equals(regime)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no regime '" + regime + "' in the assessment"));
    }

    /** JSON-friendly view (what the gpu-worker reports as the ASSESS job's result). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        m.put("labelled", labelled);
        m.put("nearest", nearest().map(RegimeEvidence::regime).orElse(null));
        m.put("regimes", regimes.stream().map(RegimeEvidence::toMap).toList());
        m.put("adapterSimilarity", adapterSimilarity.stream().map(AdapterSimilarity::toMap).toList());
        return m;
    }
}
