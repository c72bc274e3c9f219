package io.perennial.worker.job;

import io.perennial.support.web.PeerServices;
import io.perennial.worker.WorkerProperties;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/**
 * Asks trainer-service, which owns the job state machine, whether an operator cancelled a job. Jobs travel on
 * {@code perennial.jobs} and cannot be recalled from there, so the worker checks before it starts a job and with
 * every heartbeat while it runs.
 */
@Component
public class TrainerGateway {

    private static final Logger log = LoggerFactory.getLogger(TrainerGateway.class);

    private final RestClient http;

    public TrainerGateway(PeerServices peers, WorkerProperties properties) {
        this.http = peers.client(properties.getTrainerUrl(), Duration.ofSeconds(5));
    }

    /**
     * Whether the trainer has the job as {@code CANCELLED}. An unreachable trainer or an unknown job counts as not
     * cancelled: a job keeps running rather than being lost to an outage of the trainer.
     */
    public boolean isCancelled(String jobId) {
        return state(jobId).map("CANCELLED"::equals).orElse(false);
    }

    private Optional<String> state(String jobId) {
        try {
            JsonNode job = http.get().uri("/v1/jobs/{id}", jobId).retrieve().body(JsonNode.class);
            return job == null ? Optional.empty() : Optional.of(job.path("state").asString());
        } catch (RestClientException ex) {
            log.debug("State of job {} unknown: {}", jobId, ex.getMessage());
            return Optional.empty();
        }
    }
}
