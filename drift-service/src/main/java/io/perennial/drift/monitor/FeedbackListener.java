package io.perennial.drift.monitor;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.kafka.KafkaEvents;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Late labels and served predictions: predictions feed the prediction-drift monitor, and a prediction that meets its
 * label becomes one value of the error stream.
 *
 * <p>Every instance reads every partition of both topics (a consumer group of its own, starting at the end) and keeps
 * the records of the streams it monitors: labels are keyed by sample id, so no assignment of these partitions can
 * follow the samples listener's split by stream. When a stream's feedback monitors are restored from their
 * checkpoint, this consumer seeks the partitions back (on its own thread, before the next records, dropping what it
 * had fetched for them) so the current prediction window and the pending joins are replayed.
 */
@Component
public class FeedbackListener {

    private final KafkaEvents events;
    private final StreamMonitors monitors;

    public FeedbackListener(KafkaEvents events, StreamMonitors monitors) {
        this.events = events;
        this.monitors = monitors;
    }

    @KafkaListener(id = "drift-feedback", topics = {Topics.LABELS, Topics.PREDICTIONS}, batch = "true",
            groupId = "${perennial.service.name}-feedback-${random.uuid}", properties = "auto.offset.reset=latest")
    public void on(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        Set<String> seekable = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            seekable.add(FeedbackPositions.key(topic(tp.topic()), tp.partition()));
        }
        Map<String, Long> seeks = monitors.takeFeedbackSeeks(seekable);
        for (TopicPartition tp : consumer.assignment()) {
            Long target = seeks.get(FeedbackPositions.key(topic(tp.topic()), tp.partition()));
            if (target != null) {
                consumer.seek(tp, target);
            }
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            int topic = topic(record.topic());
            if (seeks.containsKey(FeedbackPositions.key(topic, record.partition()))) {
                continue; // fetched before the seek back: it comes again from there
            }
            Event<?> event;
            try {
                event = events.decode(record);
            } catch (RuntimeException ex) {
                throw new BatchListenerFailedException("undecodable feedback event: " + ex.getMessage(), ex, record);
            }
            if (event.is(EventTypes.PREDICTION_SERVED)) {
                monitors.onPrediction(event.dataAs(EventTypes.PREDICTION_SERVED), record.partition(),
                        record.offset());
            } else if (event.is(EventTypes.LABEL_ASSIGNED)) {
                monitors.onLabel(event.dataAs(EventTypes.LABEL_ASSIGNED), record.partition(), record.offset());
            }
            monitors.feedbackPassed(topic, record.partition(), record.offset());
        }
    }

    private static int topic(String name) {
        return Topics.PREDICTIONS.equals(name) ? FeedbackPositions.PREDICTIONS : FeedbackPositions.LABELS;
    }
}
