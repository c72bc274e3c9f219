package io.perennial.registry;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of registry-service. */
@SpringBootApplication
public class RegistryApplication {

    /** Service name: configuration file {@code registry-service.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "registry-service";

    public static void main(String[] args) {
        PerennialServices.run(RegistryApplication.class, NAME, args);
    }
}
