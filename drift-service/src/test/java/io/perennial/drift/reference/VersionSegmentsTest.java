package io.perennial.drift.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.drift.monitor.DriftRepository;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class VersionSegmentsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOPIC = "perennial.samples.s";

    private static String segment(String topic, long from, long to) {
        return "{\"topic\":\"" + topic + "\",\"partitions\":[{\"partition\":0,\"fromOffset\":" + from
                + ",\"toOffset\":" + to + "},{\"partition\":1,\"fromOffset\":" + from + ",\"toOffset\":" + to + "}]}";
    }

    private static String adapter(String name, String segment) {
        return "{\"name\":\"" + name + "\",\"rank\":2,\"alpha\":4,\"targetModules\":[\"fc1\"],\"segment\":" + segment
                + "}";
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static JsonNode none(int version) {
        throw new AssertionError("no other version should be read, asked for " + version);
    }

    @Test
    void anAdapterVersionUsesItsNewestAdapterWhateverTheListOrder() {
        JsonNode v3 = json("{\"kind\":\"adapter\",\"adapters\":[" + adapter("rot90", segment(TOPIC, 900, 1400)) + ","
                + adapter("rot30", segment(TOPIC, 400, 900)) + "],\"router\":{\"segments\":{\"base\":"
                + segment(TOPIC, 0, 400) + "}}}");
        VersionSegments.Segment s = VersionSegments.newest(v3, TOPIC, VersionSegmentsTest::none).orElseThrow();
        assertThat(s.name()).isEqualTo("rot90");
        assertThat(s.from()).isEqualTo(Map.of(0, 900L, 1, 900L));
        assertThat(s.to()).isEqualTo(Map.of(0, 1400L, 1, 1400L));
    }

    @Test
    void aBaseVersionUsesTheBaseWindowFromItsRouterAndNothingWithoutOne() {
        JsonNode base = json("{\"kind\":\"base\",\"router\":{\"segments\":{\"base\":" + segment(TOPIC, 0, 400)
                + "}}}");
        assertThat(VersionSegments.newest(base, TOPIC, VersionSegmentsTest::none).orElseThrow().name())
                .isEqualTo("base");
        assertThat(VersionSegments.newest(json("{\"kind\":\"base\"}"), TOPIC, VersionSegmentsTest::none)).isEmpty();
    }

    @Test
    void segmentsOfAnotherStreamAreIgnored() {
        JsonNode v = json("{\"kind\":\"adapter\",\"adapters\":[" + adapter("x", segment("perennial.samples.other",
                5000, 6000)) + "," + adapter("y", segment(TOPIC, 10, 20)) + "]}");
        assertThat(VersionSegments.newest(v, TOPIC, VersionSegmentsTest::none).orElseThrow().name()).isEqualTo("y");
    }

    @Test
    void aMergeVersionWithoutSegmentsOfItsOwnUsesTheNewestMergedSource() {
        JsonNode merge = json("{\"kind\":\"merge\",\"adapters\":[],\"merge\":{\"method\":\"ties\",\"sources\":["
                + "{\"version\":2,\"adapter\":\"a\"},{\"version\":3,\"adapter\":\"b\"}]}}");
        Map<Integer, JsonNode> versions = Map.of(
                2, json("{\"kind\":\"adapter\",\"adapters\":[" + adapter("a", segment(TOPIC, 100, 200)) + "]}"),
                3, json("{\"kind\":\"adapter\",\"adapters\":[" + adapter("a", segment(TOPIC, 100, 200)) + ","
                        + adapter("b", segment(TOPIC, 200, 300)) + "]}"));
        VersionSegments.Segment s = VersionSegments.newest(merge, TOPIC, versions::get).orElseThrow();
        assertThat(s.name()).isEqualTo("b");
        assertThat(s.from()).isEqualTo(Map.of(0, 200L, 1, 200L));
    }

    @Test
    void anAlarmAfterTheSegmentEndedOrAfterThePromotionMeansTheStreamMovedOn() {
        VersionSegments.Segment segment = new VersionSegments.Segment("b", Map.of(0, 500L, 1, 500L),
                Map.of(0, 1200L, 1, 1200L));
        Instant moved = Instant.parse("2026-11-23T10:00:00Z");
        DriftRepository.ReferenceRequest request = new DriftRepository.ReferenceRequest("s", UUID.randomUUID(), "m",
                2, moved, moved.plusSeconds(1));
        // the alarm that opened the segment's regime: before the promotion, starting at the segment's start
        assertThat(PromotedReferences.driftedSince(alarm(Map.of(0, 498L, 1, 503L), moved.minusSeconds(60)),
                request, segment)).isFalse();
        // a shift after the data the version learned
        assertThat(PromotedReferences.driftedSince(alarm(Map.of(0, 1200L, 1, 1260L), moved.minusSeconds(5)),
                request, segment)).isTrue();
        // detected once the version was already production
        assertThat(PromotedReferences.driftedSince(alarm(Map.of(0, 1190L, 1, 1190L), moved.plusMillis(10)),
                request, segment)).isTrue();
    }

    private static DriftRepository.Alarm alarm(Map<Integer, Long> start, Instant at) {
        return new DriftRepository.Alarm(UUID.randomUUID(), "s", "ks-bh", "feature", 0.3, 1e-9, 0.0005, "HIGH", start,
                at);
    }
}
