package io.perennial.trainer;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of trainer-service. */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(io.perennial.trainer.job.TrainerProperties.class)
public class TrainerApplication {

    /** Service name: configuration file {@code trainer-service.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "trainer-service";

    public static void main(String[] args) {
        PerennialServices.run(TrainerApplication.class, NAME, args);
    }
}
