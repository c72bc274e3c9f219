package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.AdaptationDecided;
import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.support.outbox.Outbox;
import io.perennial.trainer.job.Job;
import io.perennial.trainer.job.JobRepository;
import io.perennial.trainer.job.JobService;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClientException;

/**
 * Carries out the continuing regime's refinement schedule ({@link RefineSchedule}), one step per planner round with
 * the stream's policy row locked and none of its jobs running: settles the refinement whose version was decided
 * (SERVING, or STOPPED with the reason), and while no alarm waits or is being answered queues the next REFINE job
 * when the current regime's data grew enough. Each refinement is an {@code adaptation.decided} event (decision
 * REFINE, no alarm) through the outbox, in the same transaction as its job and row.
 */
@Service
public class Refinements {

    private static final Logger log = LoggerFactory.getLogger(Refinements.class);

    private final RefinementRepository refinements;
    private final DriftTriggerRepository alarms;
    private final JobRepository jobs;
    private final JobService jobService;
    private final SampleOffsets offsets;
    private final RegistryClient registry;
    private final Outbox outbox;
    private final Clock clock;

    public Refinements(RefinementRepository refinements, DriftTriggerRepository alarms, JobRepository jobs,
            JobService jobService, SampleOffsets offsets, RegistryClient registry, Outbox outbox, Clock clock) {
        this.refinements = refinements;
        this.alarms = alarms;
        this.jobs = jobs;
        this.jobService = jobService;
        this.offsets = offsets;
        this.registry = registry;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Ends the stream's running refinement once its job is over and its version decided: SERVING when it serves and
     * gained at least {@code refineMinGain} on its window's probe, else STOPPED with the reason. The gain is read
     * from the registry; unreachable, the refinement stays RUNNING until a later round.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void settle(String stream, AdaptationPolicy policy) {
        Optional<Refinement> running = refinements.running(stream);
        if (running.isEmpty()) {
            return;
        }
        Refinement r = running.get();
        Job job = jobs.find(r.jobId()).orElseThrow();
        if (!job.state().terminal() || (job.version() != null && job.promotion() == null)) {
            return; // still training, or its version awaits the promotion round
        }
        Double gain = null;
        if ("PROMOTED".equals(job.promotion())) {
            try {
                gain = registry.segmentGain(stream, job.version(), r.segment()).orElse(null);
            } catch (RestClientException ex) {
                log.warn("Registry unreachable while reading the gain of refinement {} of {} (version {}); settling "
                        + "it later: {}", r.id(), stream, job.version(), ex.getMessage());
                return;
            }
        }
        String stop = RefineSchedule.stopReason(job.state(), job.message(), job.version(), job.promotion(),
                job.promotionDetail(), gain, r.segment(), policy);
        refinements.settle(r.id(), job.version(), job.promotion(), gain, stop);
        if (stop == null) {
            log.info("Refinement {} of regime {} on {} serves as version {} (gain {})", r.id(), r.regime(), stream,
                    job.version(), gain);
        } else {
            log.info("Refining regime {} on {} stops: {}", r.regime(), stream, stop);
        }
    }

    /**
     * The next refinement of the current regime, if its data grew by {@code refineGrowth} since its adapter was last
     * trained. Call only while no alarm of the stream is pending or being answered (a new alarm takes precedence).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Job> next(String stream, AdaptationPolicy policy) {
        if (refinements.running(stream).isPresent()) {
            return Optional.empty();
        }
        Optional<Alarm> latest = alarms.latestDecided(stream);
        if (latest.isEmpty()) {
            return Optional.empty(); // the stream still serves its first regime, the base
        }
        Alarm alarm = latest.get();
        Job last = alarm.jobId() == null ? null : jobs.find(alarm.jobId()).orElse(null);
        RefineSchedule.Current current = RefineSchedule.current(alarm.state(), alarm.action(), alarm.segment(),
                last == null ? null : last.kind(), last == null ? null : last.promotion(),
                ActiveSet.of(jobs.promotedChanges(stream).stream().map(AlarmAnswers::change).toList()));
        if (current.regime() == null) {
            return Optional.empty();
        }
        String regime = current.regime();
        if (refinements.latest(stream, alarm.id(), regime).filter(r -> !"SERVING".equals(r.state())).isPresent()) {
            return Optional.empty(); // refining stopped until a later alarm answers the regime again
        }
        Optional<Job> trained = lastTraining(stream, regime);
        if (trained.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, SampleOffsets.Range> now = offsets.of(stream);
        Map<Integer, Long> to = RefineSchedule.ends(now);
        RefineSchedule.Growth growth = RefineSchedule.growth(RefineSchedule.samples(alarm.fromOffsets(), to),
                RefineSchedule.samples(trained.get().fromOffsets(), trained.get().toOffsets()), policy);
        if (!growth.due()) {
            return Optional.empty();
        }
        Map<Integer, Long> from = RefineSchedule.windowStart(alarm.fromOffsets(), now, policy.refineMaxWindow());
        long window = RefineSchedule.samples(from, to);
        String reason = String.format(Locale.ROOT, "regime %s grew to %d samples since its window started, %.2f "
                + "times the %d its adapter was last trained on (refineGrowth %.2f): refined on the newest %d",
                regime, growth.sinceStart(), growth.growth(), growth.lastTrained(), policy.refineGrowth(), window);
        Job job = jobService.submit(stream, JobKind.REFINE, from, to, Map.of("regime", regime),
                AdaptationPlanner.ACTOR, null, null);
        refinements.insert(stream, regime, alarm.id(), job.id(), job.segment(), from, to, window, growth, reason);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("regime", regime);
        evidence.put("alarmId", alarm.id());
        evidence.put("windowSamples", window);
        evidence.putAll(growth.toMap());
        evidence.put("refineGrowth", policy.refineGrowth());
        evidence.put("refineMaxWindow", policy.refineMaxWindow());
        evidence.put("lastTrainedBy", trained.get().id().toString());
        outbox.append(EventTypes.ADAPTATION_DECIDED, stream, new AdaptationDecided(stream, null, Decision.REFINE,
                reason, evidence, job.id().toString(), clock.instant()));
        log.info("Stream {}: {} (job {} of {} on offsets {}..{})", stream, reason, job.id(), job.segment(), from, to);
        return Optional.of(job);
    }

    /** The newest promoted job that trained the regime's adapter: its new adapter or its last refinement. */
    private Optional<Job> lastTraining(String stream, String regime) {
        Job newest = null;
        for (Job j : jobs.promotedVersions(stream)) {
            boolean trains = (j.kind() == JobKind.TRAIN_ADAPTER && regime.equals(j.segment()))
                    || (j.kind() == JobKind.REFINE && regime.equals(j.parameters().get("regime")));
            if (trains) {
                newest = j;
            }
        }
        return Optional.ofNullable(newest);
    }
}
