package io.perennial.support.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The outbox relay. */
@ConfigurationProperties("perennial.outbox")
public class OutboxProperties {

    /** Whether this service runs the relay. */
    private boolean relayEnabled = true;

    /** Pause between polls when the outbox was empty. */
    private Duration pollInterval = Duration.ofMillis(100);

    /** Rows published per transaction. */
    private int batchSize = 200;

    /** How long to wait for the broker to acknowledge a batch before retrying it. */
    private Duration sendTimeout = Duration.ofSeconds(15);

    /** Longest pause between attempts while the broker is unreachable. */
    private Duration maxBackoff = Duration.ofSeconds(5);

    /** How long published rows are kept before they are deleted. */
    private Duration retention = Duration.ofDays(7);

    public boolean isRelayEnabled() {
        return relayEnabled;
    }

    public void setRelayEnabled(boolean relayEnabled) {
        this.relayEnabled = relayEnabled;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }
}
