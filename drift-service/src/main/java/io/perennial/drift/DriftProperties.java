package io.perennial.drift;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** drift-service settings. */
@ConfigurationProperties("perennial.drift")
public class DriftProperties {

    /** Base URL of registry-service, asked for a promoted version's training segments. */
    private String registryUrl = "http://127.0.0.1:8084";

    /** How the reference is taken after a promotion. */
    private final Reference reference = new Reference();

    public String getRegistryUrl() {
        return registryUrl;
    }

    public void setRegistryUrl(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    public Reference getReference() {
        return reference;
    }

    /** The reference after a version becomes {@code production}. */
    public static class Reference {

        /**
         * Use the promoted version's training segment, read back from the samples topic, as the reference; when
         * false, the samples that follow the promotion form it.
         */
        private boolean fromSegment = true;

        /** How long the registry is retried (with backoff) before the promotion falls back to the next samples. */
        private Duration registryTimeout = Duration.ofSeconds(30);

        /** The longest read of a segment from Kafka before the promotion falls back to the next samples. */
        private Duration readTimeout = Duration.ofSeconds(30);

        /**
         * Fewest samples a segment must still hold in Kafka to be used (the stream's own {@code minSamples} when
         * that is larger); fewer, for example after retention deleted part of it, fall back to the next samples.
         */
        private int minSamples = 100;

        public boolean isFromSegment() {
            return fromSegment;
        }

        public void setFromSegment(boolean fromSegment) {
            this.fromSegment = fromSegment;
        }

        public Duration getRegistryTimeout() {
            return registryTimeout;
        }

        public void setRegistryTimeout(Duration registryTimeout) {
            this.registryTimeout = registryTimeout;
        }

        public Duration getReadTimeout() {
            return readTimeout;
        }

        public void setReadTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
        }

        public int getMinSamples() {
            return minSamples;
        }

        public void setMinSamples(int minSamples) {
            this.minSamples = minSamples;
        }
    }
}
