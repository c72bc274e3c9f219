package io.perennial.drift.monitor;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.kafka.NonRetryableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Consumes every {@code perennial.samples.<stream>} topic (pattern subscription, so new streams are picked up) and
 * feeds the stream's monitor. When partitions of a stream this instance does not yet monitor are assigned (start,
 * restart, rebalance), it seeks back to where the stored state says the current window (or the reference being
 * collected) begins, so the monitor is rebuilt from Kafka. Its consumer group ({@code <service>-samples}) assigns
 * whole topics ({@link StreamAffinityAssignor}), so several instances split streams, never one stream.
 */
@Component
public class SampleListener implements ConsumerSeekAware {

    /** Listener container id. */
    public static final String ID = "drift-samples";

    private final StreamMonitors monitors;
    private final EventCodec codec;

    public SampleListener(StreamMonitors monitors, EventCodec codec) {
        this.monitors = monitors;
        this.codec = codec;
    }

    @KafkaListener(id = ID, topicPattern = "#{T(io.perennial.contracts.Topics).SAMPLES_PATTERN.pattern()}",
            groupId = "${perennial.service.name}-samples",
            properties = "partition.assignment.strategy=io.perennial.drift.monitor.StreamAffinityAssignor")
    public void on(ConsumerRecord<String, byte[]> record) {
        if (!isSample(record)) {
            return;
        }
        String stream = Topics.streamOf(record.topic());
        if (stream == null || record.value() == null) {
            return;
        }
        Sample sample;
        try {
            sample = codec.read(record.value(), Sample.class);
        } catch (RuntimeException ex) {
            throw new NonRetryableException("malformed sample: " + ex.getMessage(), ex);
        }
        if (sample == null || sample.features() == null || sample.id() == null) {
            throw new NonRetryableException("sample without id or features");
        }
        monitors.onSample(stream, record.partition(), record.offset(), eventTimeMicros(sample, record.timestamp()),
                sample);
    }

    /** Whether a samples-topic record holds a sample (records of another CloudEvents type are skipped). */
    public static boolean isSample(ConsumerRecord<?, ?> record) {
        String type = KafkaEvents.lastHeader(record.headers(), "ce_type");
        return type == null || SampleEvents.SAMPLE_TYPE.equals(type);
    }

    /**
     * A sample's event time in epoch microseconds, the order a stream's partitions are merged in: its own timestamp,
     * else the record's.
     */
    public static long eventTimeMicros(Sample sample, long recordTimestampMillis) {
        return sample.timestamp() != null
                ? sample.timestamp().getEpochSecond() * 1_000_000L + sample.timestamp().getNano() / 1000
                : recordTimestampMillis * 1000L;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // another instance may own these streams after the rebalance: forget them now, before anything buffered is
        // processed; if they come back, they are rebuilt from the stored state and Kafka
        java.util.Set<String> streams = new java.util.HashSet<>();
        for (TopicPartition tp : partitions) {
            String stream = Topics.streamOf(tp.topic());
            if (stream != null) {
                streams.add(stream);
            }
        }
        monitors.forget(streams);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        Map<String, List<Integer>> byStream = new HashMap<>();
        for (TopicPartition tp : assignments.keySet()) {
            String stream = Topics.streamOf(tp.topic());
            if (stream != null) {
                byStream.computeIfAbsent(stream, s -> new ArrayList<>()).add(tp.partition());
            }
        }
        // a stream assigned elsewhere now may come back later: its monitor is then rebuilt from the stored state
        monitors.retainOnly(byStream.keySet());
        Map<String, Map<Integer, Long>> seeks = new HashMap<>();
        byStream.forEach((stream, partitions) -> seeks.put(stream, monitors.onAssigned(stream, partitions)));
        for (TopicPartition tp : assignments.keySet()) {
            Map<Integer, Long> targets = seeks.get(Topics.streamOf(tp.topic()));
            Long target = targets == null ? null : targets.get(tp.partition());
            if (target != null) {
                callback.seek(tp.topic(), tp.partition(), target);
            }
        }
    }
}
