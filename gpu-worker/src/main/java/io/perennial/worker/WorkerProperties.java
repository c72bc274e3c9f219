package io.perennial.worker;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** gpu-worker settings ({@code perennial.worker.*}). */
@ConfigurationProperties("perennial.worker")
public class WorkerProperties {

    /** Run training jobs from {@code perennial.jobs} (the {@code train} role). */
    private boolean jobsEnabled = true;

    /** Serve predictions (the {@code serve} role). */
    private boolean servingEnabled = true;

    /** Base URL of registry-service: versions are downloaded from and registered there. */
    private String registryUrl = "http://127.0.0.1:8084";

    /** Base URL of trainer-service: a running job asks it whether an operator cancelled the job. */
    private String trainerUrl = "http://127.0.0.1:8083";

    /** Local cache of downloaded versions, content-verified. */
    private Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "perennial-worker-cache");

    /** How often a running job reports that it is alive (keep well below the trainer's heartbeat timeout). */
    private Duration heartbeatInterval = Duration.ofSeconds(5);

    /** How long a job keeps retrying an unavailable registry before it fails (and is retried as a new attempt). */
    private Duration registryRetryTimeout = Duration.ofMinutes(5);

    /** The longest wait for a job's training window to be read from Kafka. */
    private Duration windowReadTimeout = Duration.ofMinutes(2);

    /** Name of this worker in job reports; defaults to host name and process id. */
    private String workerId = ProcessHandle.current().pid() + "@" + hostName();

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException ex) {
            return "localhost";
        }
    }

    public boolean isJobsEnabled() {
        return jobsEnabled;
    }

    public void setJobsEnabled(boolean jobsEnabled) {
        this.jobsEnabled = jobsEnabled;
    }

    public boolean isServingEnabled() {
        return servingEnabled;
    }

    public void setServingEnabled(boolean servingEnabled) {
        this.servingEnabled = servingEnabled;
    }

    public String getTrainerUrl() {
        return trainerUrl;
    }

    public void setTrainerUrl(String trainerUrl) {
        this.trainerUrl = trainerUrl;
    }

    public String getRegistryUrl() {
        return registryUrl;
    }

    public void setRegistryUrl(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    public Path getCacheDir() {
        return cacheDir;
    }

    public void setCacheDir(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getRegistryRetryTimeout() {
        return registryRetryTimeout;
    }

    public void setRegistryRetryTimeout(Duration registryRetryTimeout) {
        this.registryRetryTimeout = registryRetryTimeout;
    }

    public Duration getWindowReadTimeout() {
        return windowReadTimeout;
    }

    public void setWindowReadTimeout(Duration windowReadTimeout) {
        this.windowReadTimeout = windowReadTimeout;
    }

    public String getWorkerId() {
        return workerId;
    }

    public void setWorkerId(String workerId) {
        this.workerId = workerId;
    }
}
