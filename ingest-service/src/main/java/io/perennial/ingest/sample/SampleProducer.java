package io.perennial.ingest.sample;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.ingest.IngestProperties;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The producer of the samples topics: idempotent, {@code acks=all}, batched and compressed for throughput, separate
 * from the platform's event producer so a flood of samples never delays control events.
 */
@Component
public class SampleProducer implements DisposableBean {

    private final KafkaProducer<String, byte[]> producer;
    private final java.net.URI source;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    public SampleProducer(KafkaProperties kafka, ServiceProperties service, IngestProperties properties) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, service.getName() + "-samples");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, properties.getCompression());
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        int delivery = (int) properties.getDeliveryTimeout().toMillis();
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, Math.max(1000, delivery / 3)));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.source = service.eventSource();
    }

    /**
     * Sends one encoded sample; {@code callback} runs when the broker acknowledged it or the send failed (also when
     * it failed at once, e.g. the buffer stayed full), on the producer's I/O thread, so it must be brief.
     */
    public void send(String stream, String id, Instant time, byte[] value, Callback callback) {
        Target target = targets.computeIfAbsent(stream, this::target);
        try {
            producer.send(new ProducerRecord<>(target.topic(), null, id, value, target.headers().headers(id, time)),
                    callback);
        } catch (RuntimeException ex) {
            callback.onCompletion(null, ex);
        }
    }

    private Target target(String stream) {
        return new Target(Topics.samples(stream), KafkaEvents.template(source, SampleEvents.SAMPLE_TYPE, stream));
    }

    /** Where a stream's samples go, and their constant CloudEvents headers. */
    private record Target(String topic, KafkaEvents.HeaderTemplate headers) {
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(10));
    }
}
