package io.perennial.drift;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of drift-service. */
@SpringBootApplication
public class DriftApplication {

    /** Service name: configuration file {@code drift-service.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "drift-service";

    public static void main(String[] args) {
        PerennialServices.run(DriftApplication.class, NAME, args);
    }
}
