package io.perennial.drift.monitor;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where one stream's feedback monitors stand on {@code perennial.predictions} and {@code perennial.labels}, per
 * partition: what was consumed (records below are duplicates after a seek), what a restored checkpoint already holds
 * (records below are replayed quietly), the predictions of the current prediction window, and the predictions and
 * labels still waiting for their other half. From these a checkpoint says where a restart seeks back to.
 */
final class FeedbackPositions {

    /** The two feedback topics, as indexes into the arrays below. */
    static final int PREDICTIONS = 0;
    static final int LABELS = 1;

    /** Per topic and partition, the offset after the last record consumed for (or past) this stream. */
    @SuppressWarnings("unchecked")
    private final Map<Integer, Long>[] next = new Map[] {new ConcurrentHashMap<>(), new ConcurrentHashMap<>()};
    /** Per topic and partition, the checkpoint's position: records below it are already in the restored state. */
    @SuppressWarnings("unchecked")
    private final Map<Integer, Long>[] restored = new Map[] {new HashMap<>(), new HashMap<>()};
    /** Partitions whose seek back has not been applied yet: their records are ignored until it is. */
    private final Set<String> awaitingSeek = ConcurrentHashMap.newKeySet();
    /** Per predictions partition, where the restored prediction window starts (replayed into the monitor). */
    private Map<Integer, Long> windowFrom = Map.of();
    /** Samples-topic positions at the checkpoint: a label carried by a sample below was already joined. */
    private final Map<Integer, Long> samplesRestored = new HashMap<>();
    private final long[] window;
    private long fed;
    private final int capacity;
    /** Predictions (labels) awaiting their label (prediction), in arrival order, with their packed position. */
    private final LinkedHashMap<String, Long>[] pending;

    @SuppressWarnings("unchecked")
    FeedbackPositions(int windowSize, int joinCapacity) {
        this.window = new long[Math.max(1, windowSize)];
        this.capacity = joinCapacity;
        this.pending = new LinkedHashMap[] {bounded(), bounded()};
    }

    private LinkedHashMap<String, Long> bounded() {
        return new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    static long pack(int partition, long offset) {
        return ((long) partition << 40) | offset;
    }

    static String key(int topic, int partition) {
        return topic + ":" + partition;
    }

    /**
     * Takes one record of this stream.
     *
     * @return null when it must be skipped (seen before, or its partition still awaits the seek back), else whether
     *     it is a replay of what the restored checkpoint already holds
     */
    Boolean accept(int topic, int partition, long offset) {
        if (awaitingSeek.contains(key(topic, partition))) {
            return null;
        }
        Long n = next[topic].get(partition);
        if (n != null && offset < n) {
            return null;
        }
        next[topic].put(partition, offset + 1);
        Long until = restored[topic].get(partition);
        return until != null && offset < until;
    }

    /** A record of another stream went by: nothing of this stream lies before it. */
    void advance(int topic, int partition, long offset) {
        if (!awaitingSeek.contains(key(topic, partition))) {
            next[topic].merge(partition, offset + 1, Math::max);
        }
    }

    void seekApplied(int topic, int partition) {
        awaitingSeek.remove(key(topic, partition));
    }

    /** Whether a replayed prediction belongs to the restored prediction window. */
    boolean inWindow(int partition, long offset) {
        Long from = windowFrom.get(partition);
        return from != null && offset >= from;
    }

    /** A prediction entered the prediction monitor's current window. */
    void fed(int partition, long offset) {
        window[(int) (fed++ % window.length)] = pack(partition, offset);
    }

    void pending(int topic, String sampleId, int partition, long offset) {
        pending[topic].putIfAbsent(sampleId, pack(partition, offset));
    }

    void joined(String sampleId) {
        pending[PREDICTIONS].remove(sampleId);
        pending[LABELS].remove(sampleId);
    }

    /** Whether a label carried by a sample at this position was already joined before the checkpoint. */
    boolean sampleRestored(int partition, long offset) {
        Long until = samplesRestored.get(partition);
        return until != null && offset < until;
    }

    /** Per partition, the position a restored state holds everything before. */
    Map<Integer, Long> position(int topic) {
        Map<Integer, Long> p = new TreeMap<>(restored[topic]);
        next[topic].forEach((k, v) -> p.merge(k, v, Math::max));
        return p;
    }

    /**
     * Per partition, where a restart replays from: the oldest prediction of the current window (its last
     * {@code windowCount} predictions) and the oldest record still waiting for its other half, else the position.
     */
    Map<Integer, Long> replayFrom(int topic, int windowCount) {
        Map<Integer, Long> from = new TreeMap<>();
        next[topic].forEach((k, v) -> from.merge(k, v, Math::min));
        restored[topic].forEach((k, v) -> from.putIfAbsent(k, v));
        if (topic == PREDICTIONS) {
            windowFrom(windowCount).forEach((k, v) -> from.merge(k, v, Math::min));
        }
        // arrival order follows offsets within a partition, so the first entry per partition is its oldest
        Set<Integer> found = new java.util.HashSet<>();
        for (Iterator<Long> it = pending[topic].values().iterator(); it.hasNext() && found.size() < from.size() + 1;) {
            long pos = it.next();
            int partition = (int) (pos >>> 40);
            if (found.add(partition)) {
                from.merge(partition, pos & ((1L << 40) - 1), Math::min);
            }
        }
        return from;
    }

    /** Per predictions partition, the oldest of the last {@code windowCount} predictions fed to the monitor. */
    Map<Integer, Long> windowFrom(int windowCount) {
        Map<Integer, Long> from = new TreeMap<>();
        long count = Math.min(Math.min(windowCount, window.length), fed);
        for (long i = fed - count; i < fed; i++) {
            long pos = window[(int) (i % window.length)];
            from.merge((int) (pos >>> 40), pos & ((1L << 40) - 1), Math::min);
        }
        return from;
    }

    Map<Integer, Long> samplesPosition(Map<Integer, Long> current) {
        Map<Integer, Long> p = new TreeMap<>(samplesRestored);
        current.forEach((k, v) -> p.merge(k, v, Math::max));
        return p;
    }

    /**
     * Resumes from a checkpoint: records before its positions are replayed quietly from its replay points, which
     * the feedback consumer must seek to (the returned targets; until then this stream ignores those partitions).
     *
     * @param testing whether the prediction monitor was testing (its window is then rebuilt from the replay)
     */
    Map<String, Long> restore(DriftRepository.FeedbackState f, boolean testing) {
        Map<String, Long> seeks = new HashMap<>();
        for (int topic : new int[] {PREDICTIONS, LABELS}) {
            Map<Integer, Long> position = topic == PREDICTIONS ? f.predictionsPosition() : f.labelsPosition();
            Map<Integer, Long> from = topic == PREDICTIONS ? f.predictionsReplayFrom() : f.labelsReplayFrom();
            restored[topic].clear();
            restored[topic].putAll(position);
            next[topic].clear();
            for (Map.Entry<Integer, Long> e : position.entrySet()) {
                long target = Math.min(e.getValue(), from.getOrDefault(e.getKey(), e.getValue()));
                next[topic].put(e.getKey(), target);
                seeks.put(key(topic, e.getKey()), target);
                awaitingSeek.add(key(topic, e.getKey()));
            }
        }
        windowFrom = testing ? Map.copyOf(f.windowFrom()) : Map.of();
        samplesRestored.clear();
        samplesRestored.putAll(f.samplesPosition());
        return seeks;
    }
}
