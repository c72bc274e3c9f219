package io.perennial.worker.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.LabelAssigned;
import io.perennial.support.kafka.KafkaEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels that arrived after their samples ({@code POST /v1/streams/{s}/labels}, on {@code perennial.labels} keyed by
 * sample id). A label can only follow its sample, so the topic is read from the oldest unlabelled sample's time
 * (less a margin for clocks that disagree) up to its end when the job starts — never older samples, only labels.
 */
class LateLabels {

    private static final Logger log = LoggerFactory.getLogger(LateLabels.class);

    /** How far producers' clocks may run ahead of the broker's record timestamps. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final KafkaEvents events;
    private final Duration timeout;

    LateLabels(Supplier<Consumer<String, byte[]>> consumers, KafkaEvents events, Duration timeout) {
        this.consumers = consumers;
        this.events = events;
        this.timeout = timeout;
    }

    /**
     * The newest label of each of the given samples of the stream that has one.
     *
     * @param sinceMillis the record timestamp of the oldest of these samples
     */
    Map<String, String> find(String stream, Set<String> sampleIds, long sinceMillis) {
        Map<String, String> labels = new HashMap<>();
        if (sampleIds.isEmpty()) {
            return labels;
        }
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LABELS, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            long since = Math.max(0, sinceMillis - CLOCK_MARGIN.toMillis());
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, long[]> ranges = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                if (start != null) { // null: nothing at or after that time
                    ranges.put(tp, new long[] {start.offset(), ends.get(tp)});
                }
            }
            consumer.assign(partitions);
            OffsetRanges.read(consumer, ranges, timeout, "late labels of " + stream + " from " + Topics.LABELS,
                    record -> {
                        if (record.key() != null && sampleIds.contains(record.key())) {
                            label(record, stream).ifPresent(l -> labels.put(l.sampleId(), l.label()));
                        }
                    });
        }
        return labels;
    }

    private java.util.Optional<LabelAssigned> label(ConsumerRecord<String, byte[]> record, String stream) {
        try {
            Event<?> event = events.decode(record);
            if (event.is(EventTypes.LABEL_ASSIGNED)) {
                LabelAssigned label = event.dataAs(EventTypes.LABEL_ASSIGNED);
                if (stream.equals(label.stream())) {
                    return java.util.Optional.of(label);
                }
            }
        } catch (RuntimeException ex) {
            log.debug("Skipping a record of {} at {}@{}: {}", Topics.LABELS, record.partition(), record.offset(),
                    ex.getMessage());
        }
        return java.util.Optional.empty();
    }
}
