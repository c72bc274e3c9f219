package io.perennial.drift.monitor;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.Event;
import io.perennial.contracts.events.EventTypes;
import io.perennial.support.kafka.KafkaEvents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Late labels and served predictions: predictions feed the prediction-drift monitor, and a prediction that meets its
 * label becomes one value of the error stream.
 */
@Component
public class FeedbackListener {

    private final KafkaEvents events;
    private final StreamMonitors monitors;

    public FeedbackListener(KafkaEvents events, StreamMonitors monitors) {
        this.events = events;
        this.monitors = monitors;
    }

    @KafkaListener(id = "drift-feedback", topics = {Topics.LABELS, Topics.PREDICTIONS})
    public void on(ConsumerRecord<String, byte[]> record) {
        Event<?> event = events.decode(record);
        if (event.is(EventTypes.PREDICTION_SERVED)) {
            monitors.onPrediction(event.dataAs(EventTypes.PREDICTION_SERVED), record.offset());
        } else if (event.is(EventTypes.LABEL_ASSIGNED)) {
            monitors.onLabel(event.dataAs(EventTypes.LABEL_ASSIGNED));
        }
    }
}
