package io.perennial.trainer.adaptation;

import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The remedies climbed, one job per rung on the alarm's window, when the gate refuses an answer's adapter. Pure.
 *
 * <ol>
 *   <li>{@code distillation}: the adapter retrained with distillation from the serving version (weight 1, T = 2);</li>
 *   <li>{@code head-only}: an adapter on the model family's last linear layer only (still distilled);</li>
 *   <li>{@code higher-rank}: rank × 2 on every linear layer that has room for it (still distilled); a class head
 *   narrower than the rank, say 10 classes for rank 16, keeps no adapter.</li>
 * </ol>
 * Distillation stays on after the first rung: what the gate refuses is what the candidate costs the serving model's
 * regimes, and distillation is the remedy aimed at exactly that. At most {@code maxRemedies} rungs are climbed.
 */
final class RemedyLadder {

    /** Distillation settings every remedy job carries. */
    static final Map<String, Object> DISTILLATION = Map.of("weight", 1.0, "temperature", 2.0);

    private RemedyLadder() {
    }

    /**
     * A rung.
     *
     * @param parameters job parameters: {@code remedy: {rung, name}}, {@code distillation}, and for head-only
     *     {@code targets}, for higher-rank {@code rank}, {@code alpha} and {@code targets} (the layers with room
     *     for that rank)
     */
    record Rung(int rung, String name, Map<String, Object> parameters) {
    }

    /**
     * The rung after {@code climbed} (0: the answer itself was refused), or empty when {@code maxRemedies} rungs
     * were climbed.
     *
     * @param modelFamily the stream's model family (for the head-only rung's layer name)
     */
    static Optional<Rung> next(int climbed, AdaptationPolicy policy, Map<String, Object> modelFamily) {
        int rung = climbed + 1;
        if (rung > policy.maxRemedies() || rung > AdaptationPolicy.REMEDIES) {
            return Optional.empty();
        }
        Map<String, Object> p = new LinkedHashMap<>();
        String name = switch (rung) {
            case 1 -> "distillation";
            case 2 -> "head-only";
            default -> "higher-rank";
        };
        p.put("remedy", Map.of("rung", rung, "name", name));
        p.put("distillation", DISTILLATION);
        if (rung == 2) {
            p.put("targets", List.of(lastLinearLayer(modelFamily)));
        } else if (rung == 3) {
            int rank = 2 * policy.adapterRank();
            List<String> targets = layersWithRoomFor(rank, modelFamily);
            // No layer has room for twice the rank: the widest adapter that fits on every layer instead.
            p.put("targets", targets.isEmpty() ? List.of() : targets);
            p.put("rank", targets.isEmpty() ? policy.adapterRank() : rank);
            p.put("alpha", 2.0 * (targets.isEmpty() ? policy.adapterRank() : rank));
        }
        return Optional.of(new Rung(rung, name, p));
    }

    /**
     * The linear layers of a model family whose weight matrix has at least {@code rank} rows and columns (LoRA's
     * rank cannot exceed either): for an mlp {@code fc<i+1>} maps {@code dims[i]} to {@code dims[i+1]}, dims being
     * the input, the hidden widths and the classes; for the cnn {@code fc1} maps the flattened convolutions to
     * {@code hidden} and {@code fc2} maps {@code hidden} to the classes.
     */
    static List<String> layersWithRoomFor(int rank, Map<String, Object> modelFamily) {
        Object family = modelFamily.get("family");
        List<Integer> widths = new java.util.ArrayList<>();
        if ("mlp".equals(family)) {
            widths.add(number(modelFamily.get("input_dim")));
            if (modelFamily.get("hidden") instanceof List<?> hidden) {
                hidden.forEach(h -> widths.add(number(h)));
            }
        } else if ("cnn".equals(family)) {
            widths.add(Integer.MAX_VALUE); // the flattened feature maps: wider than any rank
            widths.add(number(modelFamily.get("hidden")));
        } else {
            throw new IllegalArgumentException("model family '" + family + "' has no known linear layers");
        }
        widths.add(number(modelFamily.get("classes")));
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < widths.size(); i++) {
            if (Math.min(widths.get(i), widths.get(i + 1)) >= rank) {
                out.add("fc" + (i + 1));
            }
        }
        return out;
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    /**
     * The last linear layer of a model family: {@code fc<n+1>} for an mlp with n hidden layers, {@code fc2} for the
     * cnn (see services/formats {@code MlpSpec}, {@code CnnSpec}).
     *
     * @throws IllegalArgumentException for another family
     */
    static String lastLinearLayer(Map<String, Object> modelFamily) {
        Object family = modelFamily.get("family");
        if ("mlp".equals(family)) {
            int hidden = modelFamily.get("hidden") instanceof List<?> h ? h.size() : 0;
            return "fc" + (hidden + 1);
        }
        if ("cnn".equals(family)) {
            return "fc2";
        }
        throw new IllegalArgumentException("model family '" + family + "' has no known last linear layer");
    }
}
