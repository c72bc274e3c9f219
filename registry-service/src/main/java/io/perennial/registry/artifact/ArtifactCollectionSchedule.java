package io.perennial.registry.artifact;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Runs the artifact collection every {@code perennial.registry.artifacts.gc.interval} (first run after one). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "perennial.registry.artifacts.gc.enabled", matchIfMissing = true)
public class ArtifactCollectionSchedule {

    private final ArtifactCollector collector;
    private final ArtifactProperties properties;

    public ArtifactCollectionSchedule(ArtifactCollector collector, ArtifactProperties properties) {
        this.collector = collector;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${perennial.registry.artifacts.gc.interval:1h}",
            initialDelayString = "${perennial.registry.artifacts.gc.interval:1h}")
    void collect() {
        collector.collect(properties.getGc().getGrace());
    }
}
