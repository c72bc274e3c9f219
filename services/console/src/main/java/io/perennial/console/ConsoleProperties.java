package io.perennial.console;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the console finds the services it shows. */
@ConfigurationProperties("perennial.console")
public class ConsoleProperties {

    /** Base URL of each service by name (ingest-service, drift-service, ...). */
    private Map<String, URI> services = new LinkedHashMap<>();

    /** Timeout of one call to a service; a slow service only blanks its own panel. */
    private Duration callTimeout = Duration.ofSeconds(3);

    public Map<String, URI> getServices() {
        return services;
    }

    public void setServices(Map<String, URI> services) {
        this.services = services;
    }

    public Duration getCallTimeout() {
        return callTimeout;
    }

    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }
}
