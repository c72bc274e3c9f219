package io.perennial.ingest;

import io.perennial.support.service.PerennialServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of ingest-service. */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(IngestProperties.class)
public class IngestApplication {

    /** Service name: configuration file {@code ingest-service.yml}, consumer group, CloudEvents source. */
    public static final String NAME = "ingest-service";

    public static void main(String[] args) {
        PerennialServices.run(IngestApplication.class, NAME, args);
    }
}
