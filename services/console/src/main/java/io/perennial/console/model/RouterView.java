package io.perennial.console.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A version's router description (written by gpu-worker: {@code regimes}, {@code archived}, {@code classPriors},
 * {@code regimeAdapters}, {@code segments}) as the version page shows it: each regime, whether it is routed or
 * archived, the adapter serving it, its re-estimated class priors and its segments. Pure.
 *
 * @param regimes one row per regime, routed ones first (the router's order), then archived ones
 * @param archived the archived regimes' names
 * @param hasPriors whether any regime carries re-estimated class priors
 */
public record RouterView(List<Regime> regimes, List<String> archived, boolean hasPriors) {

    /**
     * One regime.
     *
     * @param adapter the adapter serving it (null: the base model, or not described)
     * @param priors its class priors formatted, e.g. "0.700 · 0.300" (null: the training priors)
     * @param segments the segments mapped to it
     */
    public record Regime(String name, boolean archived, String adapter, String priors, List<String> segments) {
    }

    /** The view, or null when the router description names no regime (older versions, base versions). */
    public static RouterView of(JsonNode router) {
        if (router == null || !router.isObject()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        router.path("regimes").forEach(r -> names.add(r.asString()));
        List<String> archived = new ArrayList<>();
        router.path("archived").forEach(r -> archived.add(r.asString()));
        archived.stream().filter(a -> !names.contains(a)).forEach(names::add);
        router.path("classPriors").propertyNames().forEach(r -> {
            if (!names.contains(r)) {
                names.add(r);
            }
        });
        if (names.isEmpty()) {
            return null;
        }
        List<Regime> regimes = new ArrayList<>();
        boolean hasPriors = false;
        for (String name : names) {
            JsonNode adapter = router.path("regimeAdapters").path(name);
            String priors = priors(router.path("classPriors").path(name));
            hasPriors |= priors != null;
            List<String> segments = new ArrayList<>();
            for (var e : router.path("segments").properties()) {
                // a segment without a regime was learned as the regime of its own name (gpu-worker's rule)
                String regime = e.getValue().path("regime").asString(e.getKey());
                if (regime.equals(name)) {
                    segments.add(e.getKey());
                }
            }
            regimes.add(new Regime(name, archived.contains(name), adapter.isString() ? adapter.asString() : null,
                    priors, segments));
        }
        regimes.sort((a, b) -> Boolean.compare(a.archived(), b.archived()));
        return new RouterView(regimes, archived, hasPriors);
    }

    static String priors(JsonNode priors) {
        if (!priors.isArray() || priors.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        priors.forEach(p -> out.add(p.isNumber() ? String.format(Locale.ROOT, "%.3f", p.asDouble()) : "?"));
        return String.join(" · ", out);
    }
}
