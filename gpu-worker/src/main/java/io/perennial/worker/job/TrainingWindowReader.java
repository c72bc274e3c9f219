package io.perennial.worker.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.learning.data.LabeledData;
import io.perennial.support.kafka.KafkaEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads exactly the records {@code [from, to)} of each partition of a stream's samples topic — the only data a job
 * may train on. It assigns and seeks (no consumer group, no commits) and refuses a window that retention has already
 * partly deleted, so a job can never silently train on less or other data than it was scheduled with. Samples that
 * came without a label get the label sent for them later on {@code perennial.labels}, if any ({@link LateLabels}).
 */
public class TrainingWindowReader {

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final EventCodec codec;
    private final Duration timeout;
    private final LateLabels lateLabels;

    /**
     * @param consumers makes a consumer with {@code isolation.level=read_committed} and no group
     * @param timeout the longest time to wait for the window's records
     */
    public TrainingWindowReader(Supplier<Consumer<String, byte[]>> consumers, EventCodec codec, Duration timeout) {
        this.consumers = consumers;
        this.codec = codec;
        this.timeout = timeout;
        this.lateLabels = new LateLabels(consumers, new KafkaEvents(codec), timeout);
    }

    /** The window's labelled samples (late labels joined): what a job trains and evaluates on. */
    public TrainingWindow read(StreamSpec stream, Map<Integer, Long> from, Map<Integer, Long> to) {
        return read(stream, from, to, false);
    }

    /**
     * Every valid sample of the window, labelled or not (late labels joined), with a mask of the labelled rows: what
     * an assessment looks at (unlabelled rows still show where the inputs went; their labels are estimated).
     */
    public TrainingWindow readAll(StreamSpec stream, Map<Integer, Long> from, Map<Integer, Long> to) {
        return read(stream, from, to, true);
    }

    private TrainingWindow read(StreamSpec stream, Map<Integer, Long> from, Map<Integer, Long> to,
            boolean withUnlabelled) {
        String topic = Topics.samples(stream.name());
        List<TopicPartition> partitions = from.keySet().stream().sorted()
                .map(p -> new TopicPartition(topic, p)).toList();
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < stream.labels().size(); i++) {
            classIndex.put(stream.labels().get(i), i);
        }
        int features = stream.featureCount();
        List<Row> rows = new ArrayList<>();
        List<Unlabelled> waiting = new ArrayList<>();
        int[] invalid = {0}; // wrong feature count or unknown label; counted inside the reading callback
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> earliest = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, long[]> ranges = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long start = from.get(tp.partition());
                long end = to.get(tp.partition());
                if (start < earliest.get(tp)) {
                    throw new DataAgedOutException("partition " + tp.partition() + " of " + topic + " starts at offset "
                            + earliest.get(tp) + " but the job's window starts at " + start
                            + ": the data aged out of retention");
                }
                if (end > latest.get(tp)) {
                    throw new IllegalArgumentException("partition " + tp.partition() + " of " + topic + " ends at "
                            + latest.get(tp) + " but the job's window ends at " + end);
                }
                ranges.put(tp, new long[] {start, end});
            }
            OffsetRanges.read(consumer, ranges, timeout, "the window of " + topic, record -> {
                Sample sample = codec.read(record.value(), Sample.class);
                Integer label = sample.label() == null ? null : classIndex.get(sample.label());
                if (sample.features().length != features) {
                    invalid[0]++;
                } else if (sample.label() == null) {
                    waiting.add(new Unlabelled(record.partition(), record.offset(), sample.id(), sample.features(),
                            record.timestamp()));
                } else if (label == null) {
                    invalid[0]++;
                } else {
                    rows.add(new Row(record.partition(), record.offset(), sample.id(), sample.features(), label,
                            true));
                }
            });
        }
        int unlabelled = 0;
        int lateLabelled = 0;
        if (!waiting.isEmpty()) {
            Map<String, String> late = lateLabels.find(stream.name(),
                    waiting.stream().map(Unlabelled::id).collect(java.util.stream.Collectors.toSet()),
                    waiting.stream().mapToLong(Unlabelled::timestamp).min().orElseThrow());
            for (Unlabelled u : waiting) {
                String name = late.get(u.id());
                Integer label = name == null ? null : classIndex.get(name);
                if (name == null) {
                    unlabelled++;
                    if (withUnlabelled) {
                        rows.add(new Row(u.partition(), u.offset(), u.id(), u.features(), 0, false));
                    }
                } else if (label == null) {
                    invalid[0]++;
                } else {
                    rows.add(new Row(u.partition(), u.offset(), u.id(), u.features(), label, true));
                    lateLabelled++;
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the window of " + topic + " holds no " + (withUnlabelled ? "valid"
                    : "labelled") + " samples (" + unlabelled + " unlabelled, " + invalid[0] + " invalid)");
        }
        // Partition, then offset: the same window always yields the same rows in the same order (reproducible runs).
        rows.sort(java.util.Comparator.comparingInt(Row::partition).thenComparingLong(Row::offset));
        float[] flat = new float[rows.size() * features];
        int[] y = new int[rows.size()];
        List<String> ids = new ArrayList<>(rows.size());
        long[] offsets = new long[rows.size()];
        boolean[] labelled = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            labelled[i] = rows.get(i).labelled();
            System.arraycopy(rows.get(i).features(), 0, flat, i * features, features);
            y[i] = rows.get(i).label();
            ids.add(rows.get(i).id());
            offsets[i] = rows.get(i).offset();
        }
        int[] shape = stream.inputShape().stream().mapToInt(Integer::intValue).toArray();
        return new TrainingWindow(LabeledData.of(flat, y, shape, stream.labels().size()), List.copyOf(ids),
                offsets, unlabelled, invalid[0], lateLabelled, labelled);
    }

    /** A sample of the window; {@code labelled} false: kept for an assessment, {@code label} is a placeholder. */
    private record Row(int partition, long offset, String id, float[] features, int label, boolean labelled) {
    }

    private record Unlabelled(int partition, long offset, String id, float[] features, long timestamp) {
    }
}
