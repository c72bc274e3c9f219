package io.perennial.drift.reference;

import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.drift.monitor.SampleListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the tail of a segment of a samples topic: the last {@code limit} samples of offsets {@code [from, to)} in
 * the order drift-service merges a stream's partitions (sample time, then offset, then partition). Each partition is
 * read from {@code max(from, to - limit)}, which is sure to include the segment's last {@code limit} samples overall,
 * so a read costs at most {@code limit} records per partition whatever the segment's length. It assigns and seeks
 * (no consumer group, no commits) and reads only committed records.
 *
 * <p>Why the tail: an adapter's segment starts at the alarm's estimated change point, which may fall a little early
 * (samples of the old regime); its end is what the stream looked like when the version was trained.
 *
 * <p>The gpu-worker's {@code TrainingWindowReader} reads whole windows of labelled samples into the ML core's
 * types; this one keeps unlabelled samples, a bounded tail and the merge order, so it is its own small class.
 */
public class SegmentReader {

    /**
     * What was read.
     *
     * @param rows row-major features of the kept samples, in merge order
     * @param labels the label of each kept sample (null when unlabelled)
     * @param from per partition, the first offset kept
     * @param to per partition, the offset after the last one kept
     * @param agedOut whether retention had already deleted the start of the segment on some partition
     * @param skipped records in the range that were not usable samples (other types, malformed, wrong shape, NaN)
     */
    public record Tail(float[] rows, List<String> labels, Map<Integer, Long> from, Map<Integer, Long> to,
            boolean agedOut, int skipped) {

        public int size() {
            return labels.size();
        }
    }

    private record Row(int partition, long offset, long time, float[] features, String label) {
    }

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final EventCodec codec;

    /** @param consumers makes a consumer with {@code isolation.level=read_committed} and no group */
    public SegmentReader(Supplier<Consumer<String, byte[]>> consumers, EventCodec codec) {
        this.consumers = consumers;
        this.codec = codec;
    }

    /**
     * @param dimension the stream's feature count: other samples are skipped
     * @param limit the most samples to keep
     * @param timeout the longest the whole read may take
     * @throws ReferenceUnavailableException {@code read-failed} when the records cannot be read in time
     */
    public Tail readTail(String topic, Map<Integer, Long> from, Map<Integer, Long> to, int dimension, int limit,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = from.keySet().stream().sorted().map(p -> new TopicPartition(topic, p))
                .toList();
        List<Row> rows = new ArrayList<>();
        boolean agedOut = false;
        int skipped = 0;
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> earliest = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> remaining = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
            for (TopicPartition tp : partitions) {
                long end = Math.min(to.getOrDefault(tp.partition(), 0L), latest.get(tp));
                long first = from.get(tp.partition());
                agedOut |= earliest.get(tp) > first;
                long start = Math.max(Math.max(first, earliest.get(tp)), end - limit);
                if (end > start) {
                    consumer.seek(tp, start);
                    remaining.put(tp, end);
                }
            }
            consumer.pause(partitions.stream().filter(tp -> !remaining.containsKey(tp)).toList());
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new ReferenceUnavailableException("read-failed", "timed out after " + timeout.toSeconds()
                            + " s reading " + topic + "; still missing " + remaining);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(tp);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    Row row = decode(record, dimension);
                    if (row == null) {
                        skipped++;
                    } else {
                        rows.add(row);
                    }
                }
                // transaction markers take offsets too: a partition whose position passed the end is done
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException ex) {
            throw new ReferenceUnavailableException("read-failed", "reading " + topic + " failed: " + ex.getMessage(),
                    ex);
        }
        rows.sort(Comparator.comparingLong(Row::time).thenComparingLong(Row::offset)
                .thenComparingInt(Row::partition));
        List<Row> kept = rows.subList(Math.max(0, rows.size() - limit), rows.size());
        float[] flat = new float[kept.size() * dimension];
        List<String> labels = new ArrayList<>(kept.size());
        Map<Integer, Long> keptFrom = new TreeMap<>();
        Map<Integer, Long> keptTo = new TreeMap<>();
        for (int i = 0; i < kept.size(); i++) {
            Row r = kept.get(i);
            System.arraycopy(r.features(), 0, flat, i * dimension, dimension);
            labels.add(r.label());
            keptFrom.merge(r.partition(), r.offset(), Math::min);
            keptTo.merge(r.partition(), r.offset() + 1, Math::max);
        }
        return new Tail(flat, labels, keptFrom, keptTo, agedOut, skipped);
    }

    /** Decodes a record as the samples listener does; null when it is not a usable sample of this stream. */
    private Row decode(ConsumerRecord<String, byte[]> record, int dimension) {
        if (record.value() == null || !SampleListener.isSample(record)) {
            return null;
        }
        Sample sample;
        try {
            sample = codec.read(record.value(), Sample.class);
        } catch (RuntimeException ex) {
            return null;
        }
        if (sample == null || sample.features() == null || sample.features().length != dimension) {
            return null;
        }
        for (float v : sample.features()) {
            if (!Float.isFinite(v)) {
                return null;
            }
        }
        return new Row(record.partition(), record.offset(), SampleListener.eventTimeMicros(sample,
                record.timestamp()), sample.features(), sample.label());
    }
}
