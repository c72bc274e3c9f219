package io.perennial.drift;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Entry point of drift-service. */
@SpringBootApplication
@EnableConfigurationProperties(DriftProperties.class)
public class DriftApplication {

    /** Service name: configuration file {@code drift-service.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "drift-service";

    public static void main(String[] args) {
        PerennialServices.run(DriftApplication.class, NAME, args);
    }
}
