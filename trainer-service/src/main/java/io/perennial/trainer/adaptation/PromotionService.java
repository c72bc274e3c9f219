package io.perennial.trainer.adaptation;

import io.perennial.trainer.job.Job;
import io.perennial.trainer.job.JobRepository;
import io.perennial.trainer.policy.AdaptationPolicy;
import io.perennial.trainer.policy.PolicyRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClientException;

/**
 * After a job registered its version: asks the registry to promote it when the stream's policy says
 * {@code autoPromote}, else points {@code candidate} at it for an operator. The decision is stored on the job, so each
 * version is handled once; a registry that cannot be reached leaves it for the next round.
 */
@Service
public class PromotionService {

    private static final Logger log = LoggerFactory.getLogger(PromotionService.class);

    private final JobRepository jobs;
    private final PolicyRepository policies;
    private final RegistryClient registry;

    public PromotionService(JobRepository jobs, PolicyRepository policies, RegistryClient registry) {
        this.jobs = jobs;
        this.policies = policies;
        this.registry = registry;
    }

    /** Handles succeeded jobs whose version awaits a decision; returns how many were decided. */
    @Transactional
    public int promoteRegistered() {
        int decided = 0;
        for (Job job : jobs.lockAwaitingPromotion(20)) {
            AdaptationPolicy policy = policies.find(job.stream()).map(PolicyRepository.StreamPolicy::policy)
                    .orElse(AdaptationPolicy.DEFAULT);
            String reason = "job " + job.id() + " trained " + job.segment();
            try {
                if (policy.autoPromote()) {
                    RegistryClient.Outcome outcome = registry.promote(job.stream(), job.version(), reason);
                    jobs.promotion(job.id(), outcome.promoted() ? "PROMOTED" : "BLOCKED", outcome.detail());
                    log.info("Version {} of {} {}: {}", job.version(), job.stream(),
                            outcome.promoted() ? "promoted" : "not promoted", outcome.detail());
                } else {
                    registry.markCandidate(job.stream(), job.version(), reason);
                    jobs.promotion(job.id(), "CANDIDATE", "autoPromote is off: waiting for an operator");
                }
                decided++;
            } catch (org.springframework.web.client.HttpClientErrorException ex) {
                // This version's own problem (e.g. a model the registry does not know): the others still go ahead.
                log.warn("Registry refused to handle version {} of {}; retrying later: {}", job.version(),
                        job.stream(), ex.getMessage());
            } catch (RestClientException ex) {
                log.warn("Registry unavailable for version {} of {}; retrying later: {}", job.version(),
                        job.stream(), ex.getMessage());
                break;
            }
        }
        return decided;
    }
}
