package io.perennial.support.autoconfigure;

import io.perennial.contracts.Topics;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.kafka.EventPublisher;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.kafka.KafkaHealthIndicator;
import io.perennial.support.kafka.PerennialKafkaProperties;
import io.perennial.support.service.ServiceProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;

/** Event publishing, the dead-letter error handler, platform topics and Kafka health. */
@AutoConfiguration(after = {KafkaAutoConfiguration.class, PerennialServiceAutoConfiguration.class})
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties(PerennialKafkaProperties.class)
public final class PerennialKafkaAutoConfiguration {

    PerennialKafkaAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(KafkaTemplate<String, byte[]> template, KafkaEvents events,
            ServiceProperties service) {
        return new EventPublisher(template, events, service);
    }

    @Bean
    @ConditionalOnMissingBean
    CommonErrorHandler perennialDeadLetterErrorHandler(KafkaTemplate<String, byte[]> template,
            ServiceProperties service, PerennialKafkaProperties properties) {
        return DeadLetters.errorHandler(template, service.getName(), properties.getListenerRetries());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "perennial.kafka.create-platform-topics", matchIfMissing = true)
    KafkaAdmin.NewTopics perennialPlatformTopics(PerennialKafkaProperties properties) {
        return new KafkaAdmin.NewTopics(Topics.PLATFORM_TOPICS.stream()
                .map(name -> new NewTopic(name, properties.getPlatformTopicPartitions(),
                        properties.getReplicationFactor()))
                .toArray(NewTopic[]::new));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class KafkaHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
        KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin, PerennialKafkaProperties properties) {
            return new KafkaHealthIndicator(admin, properties.getHealthTimeout());
        }
    }
}
