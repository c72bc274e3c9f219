package io.perennial.trainer.adaptation;

import java.util.LinkedHashMap;
import java.util.Map;

/** Offset arithmetic of training windows: pure functions, unit-tested. */
final class WindowPlanner {

    private WindowPlanner() {
    }

    /**
     * A window of about {@code samples} records starting at {@code from}, shared among partitions in proportion to
     * what each holds after its start; a partition never contributes more than it has.
     *
     * @param from per partition, the first offset (partitions missing here start at their latest offset)
     * @param offsets the topic's current offsets
     * @return per partition the end (exclusive), or null when fewer than {@code samples} records exist yet
     */
    static Map<Integer, Long> endOf(Map<Integer, Long> from, Map<Integer, SampleOffsets.Range> offsets, long samples) {
        long available = 0;
        for (Map.Entry<Integer, SampleOffsets.Range> e : offsets.entrySet()) {
            available += Math.max(0, e.getValue().latest() - startOf(from, offsets, e.getKey()));
        }
        if (available < samples || available == 0) {
            return null;
        }
        Map<Integer, Long> to = new LinkedHashMap<>();
        long assigned = 0;
        for (Map.Entry<Integer, SampleOffsets.Range> e : offsets.entrySet()) {
            long start = startOf(from, offsets, e.getKey());
            long have = Math.max(0, e.getValue().latest() - start);
            long share = Math.min(have, (long) Math.ceil((double) samples * have / available));
            to.put(e.getKey(), start + share);
            assigned += share;
        }
        return assigned >= samples ? to : null;
    }

    /** Start offsets for every partition of the topic: given ones, clamped into what Kafka still holds. */
    static Map<Integer, Long> startsOf(Map<Integer, Long> from, Map<Integer, SampleOffsets.Range> offsets) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        offsets.keySet().forEach(p -> out.put(p, startOf(from, offsets, p)));
        return out;
    }

    private static long startOf(Map<Integer, Long> from, Map<Integer, SampleOffsets.Range> offsets, int partition) {
        SampleOffsets.Range r = offsets.get(partition);
        Long given = from.get(partition);
        long start = given == null ? r.latest() : given;
        return Math.min(Math.max(start, r.earliest()), r.latest());
    }

    /** The later of two start positions per partition (a new regime cannot start inside an older window). */
    static Map<Integer, Long> notBefore(Map<Integer, Long> start, Map<Integer, Long> floor) {
        Map<Integer, Long> out = new LinkedHashMap<>(start);
        floor.forEach((p, f) -> out.merge(p, f, Math::max));
        return out;
    }

    /**
     * A window of up to {@code samples} records that ends at {@code to}: the newest records before it, shared among
     * partitions in proportion to what each still holds before its end.
     *
     * @return per partition the first offset, or null when Kafka holds nothing before {@code to}
     */
    static Map<Integer, Long> startBefore(Map<Integer, Long> to, Map<Integer, SampleOffsets.Range> offsets,
            long samples) {
        long available = 0;
        for (Map.Entry<Integer, Long> e : to.entrySet()) {
            available += have(e.getKey(), e.getValue(), offsets);
        }
        if (available == 0) {
            return null;
        }
        Map<Integer, Long> from = new LinkedHashMap<>();
        for (Map.Entry<Integer, Long> e : to.entrySet()) {
            long have = have(e.getKey(), e.getValue(), offsets);
            long share = Math.min(have, (long) Math.ceil((double) Math.min(samples, available) * have / available));
            from.put(e.getKey(), e.getValue() - share);
        }
        return from;
    }

    private static long have(int partition, long end, Map<Integer, SampleOffsets.Range> offsets) {
        SampleOffsets.Range r = offsets.get(partition);
        return r == null ? 0 : Math.max(0, end - r.earliest());
    }
}
