package io.perennial.learning.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream made of regimes (segments) with known boundaries, for benchmarks and tests.
 *
 * <p>Segment {@code k} applies {@code shifts[k]} to its own draw of training samples and held-out probe
 * samples. Training samples are drawn without replacement across segments when the pool is large
 * enough (each regime sees new data, as in a real stream), otherwise each segment draws its own seeded
 * sample. {@link #boundaries()} gives the offsets, in the concatenated training stream, where each
 * regime starts.
 */
public final class SegmentedStream {

    /**
     * One regime.
     *
     * @param index position in the stream
     * @param name shift name
     * @param train training window (the only data a learner may train on for this regime)
     * @param probe held-out evaluation probe (never trained on)
     */
    public record Segment(int index, String name, LabeledData train, LabeledData probe) {
        /** Validates the segment. */
        public Segment {
            if (train.isEmpty()) {
                throw new IllegalArgumentException("segment " + index + " ('" + name + "') has an empty training window");
            }
            if (probe.isEmpty()) {
                throw new IllegalArgumentException("segment " + index + " ('" + name + "') has an empty probe");
            }
        }
    }

    private final List<Segment> segments;

    private SegmentedStream(List<Segment> segments) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a segmented stream needs at least one segment");
        }
        this.segments = List.copyOf(segments);
    }

    /**
     * Builds a stream from explicit segments.
     *
     * @param segments the segments in order
     * @return the stream
     */
    public static SegmentedStream of(List<Segment> segments) {
        return new SegmentedStream(segments);
    }

    /**
     * Builds a stream by applying shifts to draws from a training pool and a test pool.
     *
     * @param trainPool source of training windows
     * @param testPool source of probes
     * @param shifts one shift per segment
     * @param trainPerSegment training samples per segment
     * @param probePerSegment probe samples per segment
     * @param seed seed of the draws
     * @return the stream
     */
    public static SegmentedStream build(LabeledData trainPool, LabeledData testPool, List<DomainShift> shifts,
            int trainPerSegment, int probePerSegment, long seed) {
        if (shifts.isEmpty()) {
            throw new IllegalArgumentException("a segmented stream needs at least one shift");
        }
        if (trainPerSegment <= 0 || probePerSegment <= 0) {
            throw new IllegalArgumentException("empty segments: trainPerSegment=" + trainPerSegment
                    + ", probePerSegment=" + probePerSegment);
        }
        int trainEach = Math.min(trainPerSegment, trainPool.size());
        int probeEach = Math.min(probePerSegment, testPool.size());
        boolean disjoint = (long) trainEach * shifts.size() <= trainPool.size();
        int[] trainPerm = LabeledData.permutation(trainPool.size(), seed);
        List<Segment> out = new ArrayList<>();
        for (int k = 0; k < shifts.size(); k++) {
            int[] idx;
            if (disjoint) {
                idx = java.util.Arrays.copyOfRange(trainPerm, k * trainEach, (k + 1) * trainEach);
            } else {
                idx = java.util.Arrays.copyOf(LabeledData.permutation(trainPool.size(), seed + 31L * (k + 1)), trainEach);
            }
            int[] pidx = java.util.Arrays.copyOf(LabeledData.permutation(testPool.size(), seed + 17L * (k + 1)), probeEach);
            DomainShift s = shifts.get(k);
            out.add(new Segment(k, s.name(), s.apply(trainPool.subset(idx)), s.apply(testPool.subset(pidx))));
        }
        return new SegmentedStream(out);
    }

    /** Returns the segments in order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Returns segment {@code k}. */
    public Segment segment(int k) {
        return segments.get(k);
    }

    /** Returns the number of segments. */
    public int size() {
        return segments.size();
    }

    /** Returns where each segment starts in the concatenated training stream (first entry 0). */
    public long[] boundaries() {
        long[] b = new long[segments.size()];
        long at = 0;
        for (int k = 0; k < segments.size(); k++) {
            b[k] = at;
            at += segments.get(k).train().size();
        }
        return b;
    }

    /** Returns every segment's training window in stream order (what joint training sees). */
    public LabeledData concatenatedTrain() {
        return LabeledData.concat(segments.stream().map(Segment::train).toList());
    }

    /** Returns the probes in segment order. */
    public List<LabeledData> probes() {
        return segments.stream().map(Segment::probe).toList();
    }
}
