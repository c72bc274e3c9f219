package io.perennial.registry.version;

import java.time.Instant;
import java.util.List;

/**
 * The lineage DAG of a version, for the console's graph: the version, every ancestor reachable through parent and
 * merged-from edges, and those edges (from ancestor to descendant).
 *
 * @param base the oldest base version among the ancestors (null if none)
 */
public record Lineage(String model, int version, Integer base, List<Node> nodes, List<Link> edges) {

    /** A version in the graph. */
    public record Node(int version, String kind, Integer parentVersion, List<String> adapters, List<String> aliases,
            Instant createdAt) {
    }

    /** {@code to} derives from {@code from}: as its parent, or by merging {@code adapter} of it. */
    public record Link(int from, int to, String relation, String adapter) {
    }
}
