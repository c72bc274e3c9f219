package io.perennial.support.service;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Identity of a Perennial service.
 */
@ConfigurationProperties("perennial.service")
public class ServiceProperties {

    /** Service name, used as Kafka consumer group, client id, metrics tag and CloudEvents source. */
    private String name = "perennial";

    /** PostgreSQL schema owned by this service; its Flyway migrations live in {@code classpath:db/<schema>}. */
    private String schema = "public";

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    /** The CloudEvents {@code source} of events this service produces. */
    public URI eventSource() {
        return URI.create("/perennial/" + name);
    }
}
