package io.perennial.console;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the console. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConsoleApplication {

    /** Service name: configuration file {@code console.yml}. */
    public static final String NAME = "console";

    public static void main(String[] args) {
        PerennialServices.run(ConsoleApplication.class, NAME, args);
    }
}
