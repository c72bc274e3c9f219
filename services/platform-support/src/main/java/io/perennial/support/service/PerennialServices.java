package io.perennial.support.service;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a Perennial service. Each service reads its own configuration file, named after the service
 * ({@code ingest-service.yml}), so that several services can run from one classpath in the all-in-one stack.
 */
public final class PerennialServices {

    private PerennialServices() {
    }

    /** A builder for the service whose {@code @SpringBootApplication} is {@code application}. */
    public static SpringApplicationBuilder builder(Class<?> application, String serviceName) {
        return new SpringApplicationBuilder(application)
                .properties("spring.config.name=" + serviceName, "perennial.service.name=" + serviceName);
    }

    /** Runs a service from its {@code main}. */
    public static ConfigurableApplicationContext run(Class<?> application, String serviceName, String[] args) {
        return builder(application, serviceName).run(args);
    }
}
