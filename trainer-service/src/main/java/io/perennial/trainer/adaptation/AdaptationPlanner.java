package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.trainer.job.Job;
import io.perennial.trainer.job.JobRepository;
import io.perennial.trainer.job.JobService;
import io.perennial.trainer.job.JobState;
import io.perennial.trainer.policy.AdaptationPolicy;
import io.perennial.trainer.policy.PolicyRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Decides, per stream, what to train next. One job per stream at a time; the stream's policy row is locked while
 * deciding, so two trainer instances never schedule the same work.
 *
 * <ul>
 *   <li>No base job yet and {@code baseWindow} samples in the topic: train the base on the first window.</li>
 *   <li>A base model exists and a drift alarm is pending: once {@code minSamplesAfterDrift} samples arrived after the
 *   alarm's start offsets, train an adapter on exactly those offsets. A newer alarm supersedes older pending ones
 *   (only the latest regime is worth an adapter).</li>
 * </ul>
 */
@Service
public class AdaptationPlanner {

    private static final Logger log = LoggerFactory.getLogger(AdaptationPlanner.class);

    /** Actor recorded on jobs the planner creates. */
    public static final String ACTOR = "trainer-service";

    private final PolicyRepository policies;
    private final JobRepository jobs;
    private final JobService jobService;
    private final DriftTriggerRepository triggers;
    private final SampleOffsets offsets;

    public AdaptationPlanner(PolicyRepository policies, JobRepository jobs, JobService jobService,
            DriftTriggerRepository triggers, SampleOffsets offsets) {
        this.policies = policies;
        this.jobs = jobs;
        this.jobService = jobService;
        this.triggers = triggers;
        this.offsets = offsets;
    }

    /**
     * Plans one stream.
     *
     * @return the job it queued, if any
     */
    @Transactional
    public Optional<Job> plan(String stream) {
        Optional<PolicyRepository.StreamPolicy> locked = policies.lock(stream);
        if (locked.isEmpty() || policies.spec(stream).isEmpty() || jobs.hasActive(stream)) {
            return Optional.empty();
        }
        AdaptationPolicy policy = locked.get().policy();
        Optional<Job> base = jobs.latest(stream, JobKind.TRAIN_BASE);
        if (base.isEmpty()) {
            return planBase(stream, policy);
        }
        if (base.get().state() != JobState.SUCCEEDED) {
            return Optional.empty(); // a failed base waits for an operator's retry
        }
        Optional<Job> adapter = planAdapter(stream, policy, base.get());
        return adapter.isPresent() ? adapter : planMerge(stream, policy);
    }

    /**
     * Keeps at most {@code maxAdapters} distinct adapters in production: merges the oldest ones (the policy's method)
     * into a candidate like any other, which the gate then accepts or refuses. One attempt per promotion: after a
     * refused merge the planner waits for the next promoted adapter.
     */
    private Optional<Job> planMerge(String stream, AdaptationPolicy policy) {
        List<Job> promoted = jobs.promotedChanges(stream);
        if (promoted.isEmpty()) {
            return Optional.empty();
        }
        Optional<Job> lastMerge = jobs.latest(stream, JobKind.MERGE);
        if (lastMerge.isPresent() && lastMerge.get().createdAt().isAfter(promoted.get(promoted.size() - 1).updatedAt())) {
            return Optional.empty();
        }
        List<MergePlanner.Change> changes = promoted.stream().map(j -> j.kind() == JobKind.MERGE
                ? MergePlanner.Change.merge(sources(j)) : MergePlanner.Change.adapter(j.segment())).toList();
        List<String> regimes = MergePlanner.regimesToMerge(changes, policy.maxAdapters());
        if (regimes.isEmpty()) {
            return Optional.empty();
        }
        Job job = jobService.submit(stream, JobKind.MERGE, Map.of(), Map.of(), Map.of("sources", regimes), ACTOR);
        log.info("Stream {} serves more than {} adapters: merge job {} for {}", stream, policy.maxAdapters(), job.id(),
                regimes);
        return Optional.of(job);
    }

    private static List<String> sources(Job merge) {
        return merge.parameters().get("sources") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of();
    }

    private Optional<Job> planBase(String stream, AdaptationPolicy policy) {
        Map<Integer, SampleOffsets.Range> now = offsets.of(stream);
        Map<Integer, Long> from = WindowPlanner.startsOf(earliest(now), now);
        Map<Integer, Long> to = WindowPlanner.endOf(from, now, policy.baseWindow());
        if (to == null) {
            return Optional.empty();
        }
        return Optional.of(jobService.submit(stream, JobKind.TRAIN_BASE, from, to, Map.of(), ACTOR));
    }

    private Optional<Job> planAdapter(String stream, AdaptationPolicy policy, Job base) {
        List<DriftTrigger> pending = triggers.pending(stream);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        DriftTrigger latest = pending.get(pending.size() - 1);
        for (DriftTrigger older : pending.subList(0, pending.size() - 1)) {
            triggers.close(older.id(), "SUPERSEDED", null, "a later alarm (" + latest.id() + ") supersedes it");
        }
        if (latest.detectedAt().isBefore(base.createdAt())) {
            // The shift happened before the base window was even chosen: the base model learned that data.
            triggers.close(latest.id(), "IGNORED", null, "raised before the base model's window was chosen");
            return Optional.empty();
        }
        Map<Integer, SampleOffsets.Range> now = offsets.of(stream);
        // The new regime starts after everything already learned: never train an adapter on base or older data.
        Map<Integer, Long> learnedUpTo = base.toOffsets();
        for (Job s : jobs.learnedSegments(stream)) {
            learnedUpTo = WindowPlanner.notBefore(learnedUpTo, s.toOffsets());
        }
        Map<Integer, Long> from = WindowPlanner.startsOf(
                WindowPlanner.notBefore(latest.startOffsets(), learnedUpTo), now);
        Map<Integer, Long> to = WindowPlanner.endOf(from, now, policy.minSamplesAfterDrift());
        if (to == null) {
            return Optional.empty();
        }
        Job job = jobService.submit(stream, JobKind.TRAIN_ADAPTER, from, to,
                Map.of("trigger", Map.of("detector", latest.detector(), "kind", latest.kind(),
                        "detectedAt", latest.detectedAt().toString())), ACTOR);
        triggers.close(latest.id(), "SCHEDULED", job.id(), null);
        log.info("Drift on {} ({} at {}): adapter job {} on offsets {}..{}", stream, latest.detector(),
                latest.detectedAt(), job.id(), from, to);
        return Optional.of(job);
    }

    private static Map<Integer, Long> earliest(Map<Integer, SampleOffsets.Range> now) {
        Map<Integer, Long> out = new java.util.LinkedHashMap<>();
        now.forEach((p, r) -> out.put(p, r.earliest()));
        return out;
    }
}
