package io.perennial.drift.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;

/**
 * Picks, from a registry version resource, the segment whose data becomes the stream's reference: the newest segment
 * the version learned, i.e. the regime the stream was in when it was trained.
 *
 * <ul>
 *   <li>adapter version: its newest adapter's segment (the adapters it inherited are older regimes);</li>
 *   <li>base version: the base window, which the worker records in {@code router.segments};</li>
 *   <li>merge version: the newest segment among those it still holds and those it merged (its
 *       {@code router.segments}, else each merge source's adapter in the source version).</li>
 * </ul>
 *
 * "Newest" compares offsets, which grow with time on every partition: the largest sum of end offsets, then of start
 * offsets. Segments of another topic (another stream) are ignored.
 */
public final class VersionSegments {

    /** A segment: offsets {@code [from, to)} per partition of the samples topic. */
    public record Segment(String name, Map<Integer, Long> from, Map<Integer, Long> to) {

        long end() {
            return to.values().stream().mapToLong(Long::longValue).sum();
        }

        long start() {
            return from.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private VersionSegments() {
    }

    /**
     * @param version the registry's version resource ({@code GET /v1/models/{m}/versions/{v}})
     * @param topic the stream's samples topic
     * @param versions fetches another version of the same model (merge sources), when needed
     */
    public static Optional<Segment> newest(JsonNode version, String topic, IntFunction<JsonNode> versions) {
        List<Segment> candidates = new ArrayList<>();
        for (JsonNode adapter : version.path("adapters")) {
            segment(adapter.path("name").asString(""), adapter.path("segment"), topic).ifPresent(candidates::add);
        }
        JsonNode routed = version.path("router").path("segments");
        for (var entry : routed.properties()) {
            segment(entry.getKey(), entry.getValue(), topic).ifPresent(candidates::add);
        }
        if (candidates.isEmpty() && "merge".equals(version.path("kind").asString(""))) {
            for (JsonNode source : version.path("merge").path("sources")) {
                String name = source.path("adapter").asString("");
                for (JsonNode adapter : versions.apply(source.path("version").asInt()).path("adapters")) {
                    if (name.equals(adapter.path("name").asString(""))) {
                        segment(name, adapter.path("segment"), topic).ifPresent(candidates::add);
                    }
                }
            }
        }
        return candidates.stream().max((a, b) -> a.end() != b.end() ? Long.compare(a.end(), b.end())
                : Long.compare(a.start(), b.start()));
    }

    private static Optional<Segment> segment(String name, JsonNode segment, String topic) {
        if (!topic.equals(segment.path("topic").asString(""))) {
            return Optional.empty();
        }
        Map<Integer, Long> from = new TreeMap<>();
        Map<Integer, Long> to = new TreeMap<>();
        for (JsonNode p : segment.path("partitions")) {
            if (p.hasNonNull("partition") && p.hasNonNull("fromOffset") && p.hasNonNull("toOffset")) {
                from.put(p.get("partition").asInt(), p.get("fromOffset").asLong());
                to.put(p.get("partition").asInt(), p.get("toOffset").asLong());
            }
        }
        return from.isEmpty() ? Optional.empty() : Optional.of(new Segment(name, from, to));
    }
}
