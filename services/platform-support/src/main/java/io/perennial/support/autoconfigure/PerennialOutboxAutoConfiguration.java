package io.perennial.support.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.perennial.contracts.events.EventCodec;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.outbox.EventInbox;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.outbox.OutboxProperties;
import io.perennial.support.outbox.OutboxRelay;
import io.perennial.support.outbox.ProcessedEvents;
import io.perennial.support.service.ServiceProperties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The transactional outbox table, its relay to Kafka and idempotent consumption, in the service's own schema. */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
        FlywayAutoConfiguration.class, KafkaAutoConfiguration.class, PerennialServiceAutoConfiguration.class},
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(OutboxProperties.class)
public final class PerennialOutboxAutoConfiguration {

    PerennialOutboxAutoConfiguration() {
    }

    /** Marker bean: the support tables exist once it is created. */
    public static final class SupportSchema {
    }

    @Bean
    SupportSchema perennialSupportSchema(DataSource dataSource, ServiceProperties service,
            ObjectProvider<FlywayMigrationInitializer> serviceMigrations) {
        // The service's own migrations first: Flyway refuses a non-empty schema without its history table.
        serviceMigrations.getIfAvailable();
        Flyway.configure().dataSource(dataSource).schemas(service.getSchema()).defaultSchema(service.getSchema())
                .createSchemas(true).locations("classpath:db/support").table("perennial_support_history")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
        return new SupportSchema();
    }

    @Bean
    @ConditionalOnMissingBean
    Outbox outbox(JdbcTemplate jdbc, EventCodec codec, SupportSchema schema) {
        return new Outbox(jdbc, codec);
    }

    @Bean
    @ConditionalOnMissingBean
    ProcessedEvents processedEvents(JdbcTemplate jdbc, SupportSchema schema) {
        return new ProcessedEvents(jdbc);
    }

    @Bean
    @ConditionalOnMissingBean
    EventInbox eventInbox(KafkaEvents events, ProcessedEvents processed,
            PlatformTransactionManager transactionManager) {
        return new EventInbox(events, processed, new TransactionTemplate(transactionManager));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "perennial.outbox.relay-enabled", matchIfMissing = true)
    @ConditionalOnBean(KafkaTemplate.class)
    OutboxRelay outboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
            KafkaTemplate<String, byte[]> kafka, OutboxProperties properties, ServiceProperties service,
            ObjectProvider<MeterRegistry> meters, SupportSchema schema) {
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), kafka, properties, service,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
