package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.trainer.job.Job;
import io.perennial.trainer.job.JobRepository;
import io.perennial.trainer.job.JobService;
import io.perennial.trainer.job.JobState;
import io.perennial.trainer.job.UploadedBase;
import io.perennial.trainer.job.UploadedBaseRepository;
import io.perennial.trainer.policy.AdaptationPolicy;
import io.perennial.trainer.policy.PolicyRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClientException;

/**
 * Decides, per stream, what to train next. One job per stream at a time; the stream's policy row is locked while
 * deciding, so two trainer instances never schedule the same work.
 *
 * <ul>
 *   <li>No base job yet and {@code baseWindow} samples in the topic: train the base on the first window — unless an
 *   operator uploaded and promoted a base (production exists in the registry): then the stream is bootstrapped from
 *   that upload, no base job is ever scheduled, and adapters grow on top of it ({@link Bootstrap}).</li>
 *   <li>A base model exists and a drift alarm is pending: once {@code minSamplesAfterDrift} samples arrived after the
 *   alarm's start offsets, assess exactly that window (an ASSESS job). A newer alarm supersedes older pending ones
 *   (only the latest regime is worth an answer).</li>
 *   <li>An alarm is being answered: {@link AlarmAnswers} takes it one step further (decision, room in the active
 *   set, answer, remedies). A new alarm waits until the one being answered is DONE or STUCK.</li>
 *   <li>No alarm waits or is being answered: the current regime's adapter is refined on its grown window when its
 *   data grew enough ({@link Refinements}). A refinement running makes a new alarm wait like any other job.</li>
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
    private final UploadedBaseRepository uploadedBases;
    private final RegistryClient registry;
    private final AlarmAnswers answers;
    private final Refinements refinements;

    public AdaptationPlanner(PolicyRepository policies, JobRepository jobs, JobService jobService,
            DriftTriggerRepository triggers, SampleOffsets offsets, UploadedBaseRepository uploadedBases,
            RegistryClient registry, AlarmAnswers answers, Refinements refinements) {
        this.policies = policies;
        this.jobs = jobs;
        this.jobService = jobService;
        this.triggers = triggers;
        this.offsets = offsets;
        this.uploadedBases = uploadedBases;
        this.registry = registry;
        this.answers = answers;
        this.refinements = refinements;
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
            return planWithoutBaseJob(stream, policy);
        }
        if (base.get().state() != JobState.SUCCEEDED) {
            return Optional.empty(); // a failed base waits for an operator's retry
        }
        return planAlarm(stream, policy, base.get().createdAt(), base.get().toOffsets(), null);
    }

    /**
     * A stream without a base job: bootstrapped from an uploaded base when one serves, else a base job once the first
     * window filled. The registry is asked only while neither a base job nor a remembered upload exists, and only
     * when its answer matters this round; unreachable, it makes this round do nothing (see {@link Bootstrap#decide}).
     */
    private Optional<Job> planWithoutBaseJob(String stream, AdaptationPolicy policy) {
        Optional<UploadedBase> remembered = uploadedBases.find(stream);
        if (remembered.isPresent()) {
            return planOnUpload(stream, policy, remembered.get()); // no offsets and no registry call needed to decide
        }
        Map<Integer, SampleOffsets.Range> now = offsets.of(stream);
        Map<Integer, Long> from = WindowPlanner.startsOf(earliest(now), now);
        Map<Integer, Long> to = WindowPlanner.endOf(from, now, policy.baseWindow());
        Bootstrap.Decision<UploadedBase> decision;
        try {
            decision = Bootstrap.decide(remembered, to != null, !triggers.pending(stream).isEmpty(),
                    () -> registry.production(stream).map(p -> {
                        log.info("Stream {} has no base job and production is {} version {} (since {}): "
                                + "bootstrapped from that upload, no base job will be scheduled", stream, p.kind(),
                                p.version(), p.since());
                        return uploadedBases.remember(stream, p.version(), p.since());
                    }));
        } catch (RestClientException ex) {
            log.warn("Registry unreachable while deciding how stream {} gets its base; not scheduling a base job "
                    + "this round: {}", stream, ex.getMessage());
            return Optional.empty();
        }
        return switch (decision.step()) {
            case WAIT -> Optional.empty();
            case TRAIN_BASE -> Optional.of(jobService.submit(stream, JobKind.TRAIN_BASE, from, to, Map.of(), ACTOR));
            case USE_UPLOAD -> planOnUpload(stream, policy, decision.upload());
        };
    }

    /** Alarms answered on top of an uploaded base, which learned no offsets of this stream. */
    private Optional<Job> planOnUpload(String stream, AdaptationPolicy policy, UploadedBase uploaded) {
        return planAlarm(stream, policy, uploaded.since(), Map.of(), uploaded);
    }

    /**
     * One step for the alarm being answered, else an assessment for the latest pending alarm, else (no alarm waits:
     * alarms take precedence) the current regime's next refinement.
     */
    private Optional<Job> planAlarm(String stream, AdaptationPolicy policy, java.time.Instant baseSince,
            Map<Integer, Long> baseLearned, UploadedBase uploaded) {
        refinements.settle(stream, policy);
        Optional<Alarm> open = triggers.open(stream);
        if (open.isPresent()) {
            return answers.advance(open.get(), policy, policies.spec(stream).orElseThrow());
        }
        if (triggers.pending(stream).isEmpty()) {
            return refinements.next(stream, policy);
        }
        return planAssessment(stream, policy, baseSince, baseLearned, uploaded);
    }

    /**
     * @param baseSince alarms raised before this are ignored (the base covers their data)
     * @param baseLearned per partition, the end of the base's training window (empty for an uploaded base)
     * @param uploaded the uploaded base the stream was bootstrapped from, or null for a trained one
     */
    private Optional<Job> planAssessment(String stream, AdaptationPolicy policy, java.time.Instant baseSince,
            Map<Integer, Long> baseLearned, UploadedBase uploaded) {
        List<DriftTrigger> pending = triggers.pending(stream);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        DriftTrigger latest = pending.get(pending.size() - 1);
        for (DriftTrigger older : pending.subList(0, pending.size() - 1)) {
            triggers.close(older.id(), "SUPERSEDED", null, "a later alarm (" + latest.id() + ") supersedes it");
        }
        String ignored = Bootstrap.ignoredBecause(latest.detectedAt(), baseSince,
                uploaded == null ? null : uploaded.version());
        if (ignored != null) {
            triggers.close(latest.id(), "IGNORED", null, ignored);
            return Optional.empty();
        }
        Map<Integer, SampleOffsets.Range> now = offsets.of(stream);
        // The new regime starts after everything already learned: never train an adapter on base or older data.
        Map<Integer, Long> learnedUpTo = baseLearned;
        for (Job s : jobs.learnedSegments(stream)) {
            learnedUpTo = WindowPlanner.notBefore(learnedUpTo, s.toOffsets());
        }
        Map<Integer, Long> from = WindowPlanner.startsOf(
                WindowPlanner.notBefore(latest.startOffsets(), learnedUpTo), now);
        Map<Integer, Long> to = WindowPlanner.endOf(from, now, policy.minSamplesAfterDrift());
        if (to == null) {
            return Optional.empty();
        }
        if (uploaded != null && !uploaded.hasProbe()) {
            // What the uploaded base served before this shift becomes segment 'base''s probe for every later job.
            Map<Integer, Long> probeFrom = WindowPlanner.startBefore(from, now, policy.baseWindow());
            if (probeFrom != null) {
                uploadedBases.probe(stream, probeFrom, from);
            }
        }
        Map<String, Object> trigger = new java.util.LinkedHashMap<>();
        trigger.put("alarmId", latest.id());
        trigger.put("detector", latest.detector());
        trigger.put("kind", latest.kind());
        trigger.put("detectedAt", latest.detectedAt().toString());
        Job job = jobService.submit(stream, JobKind.ASSESS, from, to, Map.of("trigger", trigger), ACTOR, latest.id(),
                null);
        triggers.assessing(latest.id(), job.id(), job.segment(), from, to);
        log.info("Drift on {} ({} at {}): assessment job {} of {} on offsets {}..{}", stream, latest.detector(),
                latest.detectedAt(), job.id(), job.segment(), from, to);
        return Optional.of(job);
    }

    private static Map<Integer, Long> earliest(Map<Integer, SampleOffsets.Range> now) {
        Map<Integer, Long> out = new java.util.LinkedHashMap<>();
        now.forEach((p, r) -> out.put(p, r.earliest()));
        return out;
    }
}
