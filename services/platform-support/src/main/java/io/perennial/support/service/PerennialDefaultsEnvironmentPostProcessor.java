package io.perennial.support.service;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds Perennial's conventions as the lowest-precedence property source, so any service file, environment variable
 * or command-line argument overrides them. It runs per application context, so several services can share one JVM
 * (the all-in-one stack) while each keeps its own name and schema.
 */
public class PerennialDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** Name of the property source holding the defaults. */
    public static final String SOURCE_NAME = "perennialDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults()));
    }

    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        // A service is named after its configuration file (ingest-service.yml), so the two cannot disagree.
        d.put("perennial.service.name", "${spring.config.name:perennial}");
        d.put("spring.application.name", "${perennial.service.name}");
        // Infrastructure endpoints come from the environment; the all-in-one launcher sets them for you.
        d.put("spring.kafka.bootstrap-servers", "${PERENNIAL_KAFKA_BOOTSTRAP:127.0.0.1:9092}");
        d.put("spring.datasource.url", "${PERENNIAL_DB_URL:}");
        d.put("spring.datasource.username", "${PERENNIAL_DB_USER:}");
        d.put("spring.datasource.password", "${PERENNIAL_DB_PASSWORD:}");
        // Secrets only from the environment; no defaults.
        d.put("perennial.security.service-token", "${PERENNIAL_SERVICE_TOKEN:}");
        d.put("perennial.security.bootstrap-admin-password", "${PERENNIAL_ADMIN_PASSWORD:}");
        d.put("perennial.kafka.replication-factor", "${PERENNIAL_KAFKA_REPLICATION_FACTOR:1}");
        d.put("spring.datasource.hikari.schema", "${perennial.service.schema}");
        d.put("spring.datasource.hikari.maximum-pool-size", "8");
        d.put("spring.datasource.hikari.minimum-idle", "1");
        d.put("spring.datasource.hikari.connection-timeout", "10000");
        d.put("spring.flyway.schemas", "${perennial.service.schema}");
        d.put("spring.flyway.default-schema", "${perennial.service.schema}");
        d.put("spring.flyway.locations", "classpath:db/${perennial.service.schema}");
        d.put("spring.flyway.create-schemas", "true");
        // Kafka: durable, idempotent producers; manual offset commits; events are bytes plus CloudEvents headers.
        d.put("spring.kafka.client-id", "${perennial.service.name}");
        d.put("spring.kafka.producer.acks", "all");
        d.put("spring.kafka.producer.key-serializer", "org.apache.kafka.common.serialization.StringSerializer");
        d.put("spring.kafka.producer.value-serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        d.put("spring.kafka.producer.properties.enable.idempotence", "true");
        d.put("spring.kafka.producer.properties.max.block.ms", "10000");
        d.put("spring.kafka.producer.properties.delivery.timeout.ms", "30000");
        d.put("spring.kafka.producer.properties.request.timeout.ms", "10000");
        d.put("spring.kafka.producer.properties.linger.ms", "5");
        d.put("spring.kafka.consumer.group-id", "${perennial.service.name}");
        d.put("spring.kafka.consumer.auto-offset-reset", "earliest");
        d.put("spring.kafka.consumer.enable-auto-commit", "false");
        d.put("spring.kafka.consumer.key-deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        d.put("spring.kafka.consumer.value-deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        d.put("spring.kafka.consumer.properties.metadata.max.age.ms", "5000");
        d.put("spring.kafka.listener.missing-topics-fatal", "false");
        // Web: problem+json everywhere, no stack traces, graceful shutdown.
        d.put("spring.mvc.problemdetails.enabled", "true");
        d.put("server.error.include-stacktrace", "never");
        d.put("server.error.include-message", "never");
        d.put("server.shutdown", "graceful");
        d.put("spring.lifecycle.timeout-per-shutdown-phase", "10s");
        // Observability.
        d.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        d.put("management.endpoint.health.probes.enabled", "true");
        d.put("management.endpoint.health.show-details", "when-authorized");
        d.put("management.endpoint.health.show-components", "always");
        d.put("management.endpoint.health.group.readiness.include", "readinessState,db,kafka");
        d.put("management.metrics.tags.application", "${perennial.service.name}");
        d.put("management.metrics.use-global-registry", "false");
        d.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
        // Enabled on purpose (behind authentication): every REST API documents itself.
        d.put("springdoc.api-docs.enabled", "true");
        d.put("springdoc.swagger-ui.enabled", "true");
        d.put("springdoc.swagger-ui.path", "/swagger-ui.html");
        d.put("springdoc.api-docs.path", "/v3/api-docs");
        return d;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
