package io.perennial.ingest.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;

/** Fuzzes the record parser: whatever the input, it never throws and accounts for every record exactly once. */
class SampleParserPropertiesTest {

    private static final StreamSpec SPEC = new StreamSpec("s", List.of(2, 2), List.of("a", "b"), false, 1, 60_000,
            Map.of(), Map.of());
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Property(tries = 400)
    void everyNdjsonLineIsAcceptedOrRejectedExactlyOnce(@ForAll("lines") List<String> lines) {
        AtomicInteger counter = new AtomicInteger();
        SampleParser parser = new SampleParser(MAPPER, SPEC, 10_000, 4096, () -> "gen-" + counter.incrementAndGet());
        Collector sink = new Collector();
        byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        SampleParser.Outcome outcome = parser.parseNdjson(new ByteArrayInputStream(body), sink);

        long nonBlank = lines.stream().flatMap(l -> l.lines()).filter(l -> !l.isBlank()).count();
        assertThat(outcome.records()).isEqualTo(nonBlank);
        assertThat(sink.indexes()).doesNotHaveDuplicates().hasSize((int) nonBlank);
        for (Sample s : sink.accepted) {
            assertThat(s.features()).hasSize(4);
            for (float f : s.features()) {
                assertThat(Float.isFinite(f)).isTrue();
            }
            assertThat(s.label() == null || SPEC.labels().contains(s.label())).isTrue();
        }
    }

    /**
     * The NDJSON splitter reads the body in chunks and parses lines in place: however the bytes arrive (one at a
     * time, in odd chunks), each line is judged exactly as it would be alone, and lines over the limit are rejected
     * as too long without ending the body.
     */
    @Property(tries = 300)
    void ndjsonLinesAreJudgedAsIfAloneHoweverTheBodyArrives(@ForAll("longAndShortLines") List<String> lines,
            @ForAll("chunkSizes") List<Integer> chunks) {
        int max = 64;
        byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        Collector whole = new Collector();
        new SampleParser(MAPPER, SPEC, 10_000, max, () -> "gen").parseNdjson(new TrickleStream(body, chunks), whole);

        List<String> expected = new ArrayList<>();
        for (String line : String.join("\n", lines).split("\n", -1)) {
            if (line.getBytes(StandardCharsets.UTF_8).length > max) {
                expected.add("line longer than " + max + " bytes");
            } else if (!line.isBlank()) {
                Collector alone = new Collector();
                new SampleParser(MAPPER, SPEC, 10_000, max, () -> "gen").parseNdjson(
                        new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), alone);
                expected.addAll(alone.events);
            }
        }
        assertThat(whole.events).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<String>> longAndShortLines() {
        Arbitrary<String> record = Arbitraries.integers().between(0, 120).map(pad -> "{\"features\":[1,2,3,4]"
                + " ".repeat(pad) + ",\"label\":\"a\"}");
        Arbitrary<String> other = Arbitraries.of("", "  ", "\r", "{\"features\":[1,2]}", "{\"features\":[1,2,3,4]}\r",
                "x".repeat(200), "{", "[1,2,3,4]");
        return Arbitraries.oneOf(record, other).list().ofMinSize(0).ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 100).list().ofMinSize(1).ofMaxSize(8);
    }

    /** A body that arrives in the given chunk sizes, cycling through them. */
    private static final class TrickleStream extends java.io.InputStream {
        private final byte[] data;
        private final List<Integer> chunks;
        private int position;
        private int reads;

        TrickleStream(byte[] data, List<Integer> chunks) {
            this.data = data;
            this.chunks = chunks;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunks.get(reads++ % chunks.size())), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Property(tries = 300)
    void arraysNeverThrowAndNeverAcceptMoreThanWasSent(@ForAll("lines") List<String> records) {
        SampleParser parser = new SampleParser(MAPPER, SPEC, 10_000, 4096, () -> "gen");
        Collector sink = new Collector();
        String body = "[" + String.join(",", records) + "]";
        SampleParser.Outcome outcome = parser.parseArray(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), sink);
        assertThat(sink.accepted.size() + sink.rejected.size()).isLessThanOrEqualTo(records.size());
        if (outcome.syntaxError() == null) {
            assertThat(sink.accepted.size() + sink.rejected.size()).isEqualTo(outcome.records());
        }
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.floats().between(-1e6f, 1e6f).map(String::valueOf),
                Arbitraries.of("1e39", "-1e40", "NaN", "Infinity", "\"3\"", "null", "true", "[1]", "{}", "0x10", "1.5"));
        Arbitrary<String> features = Arbitraries.oneOf(
                number.list().ofMinSize(0).ofMaxSize(6).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(number.list().ofSize(2), number.list().ofSize(2))
                        .as((a, b) -> "[[" + String.join(",", a) + "],[" + String.join(",", b) + "]]"),
                Arbitraries.of("\"x\"", "{}", "[[1,2],[3]]", "[[[1]]]"));
        Arbitrary<String> label = Arbitraries.of("\"a\"", "\"b\"", "\"c\"", "1", "null", "[]");
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8)
                .map(s -> "\"" + s + "\""), Arbitraries.of("\"\"", "7", "\"a b\"", "\"dup\""));
        Arbitrary<String> record = Combinators.combine(id, features, label, Arbitraries.integers().between(0, 4))
                .as((i, f, l, variant) -> switch (variant) {
                    case 0 -> "{\"id\":" + i + ",\"features\":" + f + ",\"label\":" + l + "}";
                    case 1 -> "{\"features\":" + f + "}";
                    case 2 -> "{\"features\":" + f + ",\"extra\":1}";
                    case 3 -> "{\"features\":" + f;
                    default -> "{\"id\":" + i + ",\"features\":" + f + ",\"attributes\":{\"k\":" + l + "}}";
                });
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(30);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, record), net.jqwik.api.Tuple.of(1, garbage))
                .list().ofMinSize(0).ofMaxSize(20);
    }

    private static final class Collector implements SampleParser.Sink {
        final List<Sample> accepted = new ArrayList<>();
        final List<RecordError> rejected = new ArrayList<>();
        final List<Integer> indexes = new ArrayList<>();
        /** What happened to each record, in order, without its index. */
        final List<String> events = new ArrayList<>();

        @Override
        public void accept(int index, Sample sample) {
            accepted.add(sample);
            indexes.add(index);
            events.add("accepted " + java.util.Arrays.toString(sample.features()) + " " + sample.label());
        }

        @Override
        public void reject(RecordError error) {
            rejected.add(error);
            indexes.add(error.index());
            events.add(error.reason());
        }

        List<Integer> indexes() {
            return indexes;
        }
    }
}
