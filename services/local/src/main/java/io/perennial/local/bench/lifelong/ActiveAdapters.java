package io.perennial.local.bench.lifelong;

import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * How many adapters a registered version routes to and how many it keeps archived, read from its router description
 * ({@code router.regimeAdapters}: regime to adapter; {@code router.archived}: regimes out of routing).
 */
record ActiveAdapters(int active, int archived) {

    static ActiveAdapters of(JsonNode version) {
        JsonNode router = version.path("router");
        Set<String> archivedRegimes = new HashSet<>();
        router.path("archived").forEach(r -> archivedRegimes.add(r.asString()));
        Set<String> active = new HashSet<>();
        Set<String> archived = new HashSet<>();
        router.path("regimeAdapters").properties().forEach(e -> {
            (archivedRegimes.contains(e.getKey()) ? archived : active).add(e.getValue().asString());
        });
        archived.removeAll(active); // an adapter still serving another regime is active
        return new ActiveAdapters(active.size(), archived.size());
    }
}
