package io.perennial.registry.version;

import io.perennial.registry.version.VersionRequest.Adapter;
import io.perennial.support.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kinds of version and what each must and must not carry.
 *
 * <ul>
 *   <li>{@code base}: no parent, no merge recipe;</li>
 *   <li>{@code adapter}: a parent and at least one adapter (a newly trained one);</li>
 *   <li>{@code merge}: a parent and its merge recipe;</li>
 *   <li>{@code prior}: a regime's class priors re-estimated (a logit bias in the router description);</li>
 *   <li>{@code restore}: a known regime served by its adapter again, un-archived if it was archived;</li>
 *   <li>{@code archive}: regimes taken out of routing, their adapters and descriptors kept in the version;</li>
 *   <li>{@code refine}: a regime's adapter trained further on the regime's grown window (for the base regime: its
 *   first adapter).</li>
 * </ul>
 *
 * <p>{@code prior}, {@code restore} and {@code archive} train nothing: they need a parent, have no merge recipe and
 * add no adapter, i.e. every adapter they list is one their parent lists, unchanged. {@code refine} needs a parent,
 * has no merge recipe and touches exactly one adapter: one of its parent's retrained (same name; its segment, rank,
 * alpha or layers may differ, since the window grew and a remedy may change the shape) or one new adapter; every
 * other adapter it lists is its parent's, unchanged.
 */
public final class VersionKinds {

    /** Every kind, for request validation and listing filters (an annotation needs a constant). */
    public static final String PATTERN = "base|adapter|merge|prior|restore|archive|refine";

    /** Kinds that re-serve what their parent holds instead of training. */
    public static final Set<String> WITHOUT_TRAINING = Set.of("prior", "restore", "archive");

    private VersionKinds() {
    }

    /** The rules of a kind that need nothing but the request. */
    static void checkShape(VersionRequest r) {
        List<Adapter> adapters = r.adapters() == null ? List.of() : r.adapters();
        switch (r.kind()) {
            case "base" -> {
                if (r.parentVersion() != null) {
                    throw field("a base version has no parent", "parentVersion");
                }
                if (r.merge() != null) {
                    throw field("a base version has no merge recipe", "merge");
                }
            }
            case "adapter" -> {
                if (r.parentVersion() == null) {
                    throw field("an adapter version needs the version it extends", "parentVersion");
                }
                if (adapters.isEmpty()) {
                    throw field("an adapter version contains at least one adapter", "adapters");
                }
                if (r.merge() != null) {
                    throw field("only merge versions have a merge recipe", "merge");
                }
            }
            case "merge" -> {
                if (r.parentVersion() == null) {
                    throw field("a merge version needs the version it was merged on", "parentVersion");
                }
                if (r.merge() == null) {
                    throw field("a merge version needs its merge recipe", "merge");
                }
            }
            case "prior", "restore", "archive" -> {
                if (r.parentVersion() == null) {
                    throw field(article(r.kind()) + " version needs the version whose regimes it changes",
                            "parentVersion");
                }
                if (r.merge() != null) {
                    throw field("only merge versions have a merge recipe", "merge");
                }
            }
            case "refine" -> {
                if (r.parentVersion() == null) {
                    throw field("a refine version needs the version whose adapter it trains further",
                            "parentVersion");
                }
                if (adapters.isEmpty()) {
                    throw field("a refine version lists the adapter it refined", "adapters");
                }
                if (r.merge() != null) {
                    throw field("only merge versions have a merge recipe", "merge");
                }
            }
            default -> throw field("kind must be one of " + PATTERN.replace("|", ", "), "kind");
        }
    }

    /**
     * A kind without training lists only adapters its parent lists, unchanged (same rank, alpha, layers and
     * segment): a new or retrained adapter belongs in an adapter version.
     */
    static void checkNoNewAdapter(String kind, int parentVersion, List<Adapter> parentAdapters,
            List<Adapter> adapters) {
        if (!WITHOUT_TRAINING.contains(kind) || adapters == null) {
            return;
        }
        Map<String, Adapter> inherited = parentAdapters.stream()
                .collect(Collectors.toMap(Adapter::name, Function.identity(), (a, b) -> a));
        for (int i = 0; i < adapters.size(); i++) {
            Adapter a = adapters.get(i);
            Adapter before = inherited.get(a.name());
            if (before == null) {
                throw field(article(kind) + " version adds no adapter, but '" + a.name() + "' is not in its parent "
                        + "version " + parentVersion + " (a newly trained adapter belongs in an adapter version)",
                        "adapters[" + i + "]").with("reason", "new-adapter");
            }
            if (!before.equals(a)) {
                throw field(article(kind) + " version keeps its parent's adapters unchanged, but '" + a.name()
                        + "' differs from the one in version " + parentVersion + " (rank, alpha, layers or segment)",
                        "adapters[" + i + "]").with("reason", "changed-adapter");
            }
        }
    }

    /**
     * A refine version changes or adds exactly one adapter; every other adapter it lists is its parent's,
     * unchanged.
     */
    static void checkOneRefinedAdapter(String kind, int parentVersion, List<Adapter> parentAdapters,
            List<Adapter> adapters) {
        if (!"refine".equals(kind) || adapters == null) {
            return;
        }
        Map<String, Adapter> inherited = parentAdapters.stream()
                .collect(Collectors.toMap(Adapter::name, Function.identity(), (a, b) -> a));
        Integer refined = null;
        for (int i = 0; i < adapters.size(); i++) {
            Adapter a = adapters.get(i);
            if (a.equals(inherited.get(a.name()))) {
                continue;
            }
            if (refined != null) {
                throw field("a refine version trains one adapter further, but both '" + adapters.get(refined).name()
                        + "' and '" + a.name() + "' differ from version " + parentVersion + " (several new "
                        + "adapters belong in an adapter version)", "adapters[" + i + "]")
                        .with("reason", "several-changes");
            }
            refined = i;
        }
        if (refined == null) {
            throw field("a refine version trains one adapter further, but every adapter it lists is version "
                    + parentVersion + "'s, unchanged", "adapters").with("reason", "no-change");
        }
    }

    private static String article(String kind) {
        return (kind.startsWith("a") ? "an " : "a ") + kind;
    }

    static ApiException field(String detail, String field) {
        return ApiException.badRequest(detail).with("field", field);
    }
}
