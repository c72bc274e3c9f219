package io.perennial.support.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Perennial's Kafka conventions. */
@ConfigurationProperties("perennial.kafka")
public class PerennialKafkaProperties {

    /** Partitions of the platform topics ({@code perennial.jobs} partitions bound the worker pool). */
    private int platformTopicPartitions = 3;

    /** Replication factor of the topics Perennial creates; 3 in a production cluster. */
    private short replicationFactor = 1;

    /** Whether this service creates the platform topics at startup (idempotent). */
    private boolean createPlatformTopics = true;

    /** Retries of a failing listener before its record goes to the dead-letter topic. */
    private int listenerRetries = 3;

    /** Timeout of the Kafka health check. */
    private Duration healthTimeout = Duration.ofSeconds(3);

    public int getPlatformTopicPartitions() {
        return platformTopicPartitions;
    }

    public void setPlatformTopicPartitions(int platformTopicPartitions) {
        this.platformTopicPartitions = platformTopicPartitions;
    }

    public short getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(short replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public boolean isCreatePlatformTopics() {
        return createPlatformTopics;
    }

    public void setCreatePlatformTopics(boolean createPlatformTopics) {
        this.createPlatformTopics = createPlatformTopics;
    }

    public int getListenerRetries() {
        return listenerRetries;
    }

    public void setListenerRetries(int listenerRetries) {
        this.listenerRetries = listenerRetries;
    }

    public Duration getHealthTimeout() {
        return healthTimeout;
    }

    public void setHealthTimeout(Duration healthTimeout) {
        this.healthTimeout = healthTimeout;
    }
}
