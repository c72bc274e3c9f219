package io.perennial.trainer.adaptation;

import io.perennial.contracts.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/** The earliest and latest (committed) offsets of a stream's samples topic, per partition. */
@Component
public class SampleOffsets implements DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Offsets of one partition: {@code [earliest, latest)} is what Kafka still holds. */
    public record Range(long earliest, long latest) {
        public long size() {
            return latest - earliest;
        }
    }

    private final Admin admin;

    public SampleOffsets(KafkaAdmin kafkaAdmin) {
        this.admin = Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    /** Per partition of {@code perennial.samples.<stream>}, in partition order. */
    public Map<Integer, Range> of(String stream) {
        String topic = Topics.samples(stream);
        try {
            TopicDescription description = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            description.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            });
            var options = new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> first = admin.listOffsets(earliest, options)
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> last = admin.listOffsets(latest, options)
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, Range> out = new TreeMap<>();
            first.forEach((tp, info) -> out.put(tp.partition(), new Range(info.offset(), last.get(tp).offset())));
            return out;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the offsets of " + topic, ex);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("cannot read the offsets of " + topic + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
