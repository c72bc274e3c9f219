package io.perennial.trainer.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Job orchestration settings. */
@ConfigurationProperties("perennial.trainer")
public class TrainerProperties {

    /** A running job whose worker sent nothing for this long is re-queued (or failed after its last attempt). */
    private Duration heartbeatTimeout = Duration.ofSeconds(60);

    /** Attempts before a job fails for good. */
    private int maxAttempts = 3;

    /** How often silent jobs are looked for. */
    private Duration sweepInterval = Duration.ofSeconds(5);

    /** How often streams are checked for work: a base window filled, a drift alarm with enough new samples. */
    private Duration planInterval = Duration.ofSeconds(1);

    /** Base URL of registry-service, asked to promote versions. */
    private String registryUrl = "http://127.0.0.1:8084";

    public Duration getPlanInterval() {
        return planInterval;
    }

    public void setPlanInterval(Duration planInterval) {
        this.planInterval = planInterval;
    }

    public String getRegistryUrl() {
        return registryUrl;
    }

    public void setRegistryUrl(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    public Duration getHeartbeatTimeout() {
        return heartbeatTimeout;
    }

    public void setHeartbeatTimeout(Duration heartbeatTimeout) {
        this.heartbeatTimeout = heartbeatTimeout;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getSweepInterval() {
        return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }
}
