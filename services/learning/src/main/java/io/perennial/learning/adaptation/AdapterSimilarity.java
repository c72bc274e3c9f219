package io.perennial.learning.adaptation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How close two active adapter regimes are.
 *
 * @param a first regime
 * @param b second regime
 * @param deltaCosine cosine similarity of the adapters' weight deltas \( \Delta W = \frac{\alpha}{r}BA \), flattened over
 *     every targeted layer (a layer only one adapter targets adds to its norm only); 1 when both share one adapter
 * @param descriptorDistance symmetric descriptor distance: the mean normalised distance of b's class means to a's
 *     descriptor and of a's to b's, averaged (about 1 would be "as close as a typical in-regime row")
 */
public record AdapterSimilarity(String a, String b, double deltaCosine, double descriptorDistance) {

    /** JSON-friendly view. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        m.put("deltaCosine", RegimeEvidence.num(deltaCosine));
        m.put("descriptorDistance", RegimeEvidence.num(descriptorDistance));
        return m;
    }
}
