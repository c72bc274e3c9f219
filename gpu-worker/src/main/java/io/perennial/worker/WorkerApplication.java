package io.perennial.worker;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of gpu-worker. */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(WorkerProperties.class)
public class WorkerApplication {

    /** Service name: configuration file {@code gpu-worker.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "gpu-worker";

    public static void main(String[] args) {
        PerennialServices.run(WorkerApplication.class, NAME, args);
    }
}
