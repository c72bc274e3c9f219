package io.perennial.support.autoconfigure;

import io.perennial.contracts.events.EventCodec;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import java.time.Clock;
import tools.jackson.core.StreamWriteFeature;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The service identity and the event codec. */
@AutoConfiguration
@EnableConfigurationProperties(ServiceProperties.class)
public final class PerennialServiceAutoConfiguration {

    PerennialServiceAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    @ConditionalOnMissingBean
    KafkaEvents kafkaEvents(EventCodec codec) {
        return new KafkaEvents(codec);
    }

    /**
     * REST bodies carry many floats (features, probabilities): write them with Jackson's Schubfach writer instead
     * of {@code Float.toString}, which on Java 17 dominates the cost of such bodies. Same text, shortest form.
     */
    @Bean
    JsonMapperBuilderCustomizer fastFloatWriter() {
        return builder -> builder.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
