package io.perennial.trainer.adaptation;

import io.perennial.contracts.events.AdaptationEvents.AdaptationAttempted;
import io.perennial.contracts.events.AdaptationEvents.AdaptationDecided;
import io.perennial.contracts.events.AdaptationEvents.AdaptationStuck;
import io.perennial.contracts.events.AdaptationEvents.Decision;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.support.outbox.Outbox;
import io.perennial.trainer.job.Job;
import io.perennial.trainer.job.JobRepository;
import io.perennial.trainer.job.JobService;
import io.perennial.trainer.job.JobState;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClientException;

/**
 * Carries an assessed alarm to its end, one step per planner round (the stream's policy row is locked by the caller
 * and none of its jobs is running): the decision from the assessment, room in a full active set (merge or archive),
 * the answer's job, and after a refused answer the remedy ladder, until a version serves (DONE) or every remedy was
 * refused (STUCK). Decisions, attempts and the stuck alert go to {@code perennial.adaptation} through the outbox in
 * the same transaction as the state change.
 */
@Service
public class AlarmAnswers {

    private static final Logger log = LoggerFactory.getLogger(AlarmAnswers.class);

    private final JobRepository jobs;
    private final JobService jobService;
    private final DriftTriggerRepository alarms;
    private final Outbox outbox;
    private final RegistryClient registry;
    private final Clock clock;

    public AlarmAnswers(JobRepository jobs, JobService jobService, DriftTriggerRepository alarms, Outbox outbox,
            RegistryClient registry, Clock clock) {
        this.jobs = jobs;
        this.jobService = jobService;
        this.alarms = alarms;
        this.outbox = outbox;
        this.registry = registry;
        this.clock = clock;
    }

    /** The answer being carried out: a job kind, the matched regime (RESTORE, PRIOR_CORRECT) and the rung. */
    record Action(JobKind kind, String regime, int rung) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind.name());
            m.put("regime", regime);
            m.put("rung", rung);
            return m;
        }

        static Action of(Map<String, Object> map) {
            return new Action(JobKind.valueOf(String.valueOf(map.get("kind"))),
                    map.get("regime") == null ? null : String.valueOf(map.get("regime")),
                    ((Number) map.getOrDefault("rung", 0)).intValue());
        }

        static Action answering(AlarmDecider.Verdict verdict) {
            return switch (verdict.decision()) {
                case RECURRING, RESTORE -> new Action(JobKind.RESTORE, verdict.regime(), 0);
                case PRIOR_SHIFT -> new Action(JobKind.PRIOR_CORRECT, verdict.regime(), 0);
                default -> new Action(JobKind.TRAIN_ADAPTER, null, 0);
            };
        }
    }

    /** One step for an alarm that is being answered; returns the job it queued, if any. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Job> advance(Alarm alarm, AdaptationPolicy policy, StreamSpec spec) {
        Job job = jobs.find(alarm.jobId()).orElseThrow();
        if (!job.state().terminal() || (job.state() == JobState.SUCCEEDED && job.version() != null
                && job.promotion() == null)) {
            return Optional.empty(); // still running, or its version awaits the promotion round
        }
        return switch (alarm.state()) {
            case "ASSESSING" -> decide(alarm, job, policy, spec);
            case "CONSOLIDATING" -> afterConsolidation(alarm, job, policy, spec);
            default -> afterAnswer(alarm, job, policy, spec);
        };
    }

    private Optional<Job> decide(Alarm alarm, Job assessment, AdaptationPolicy policy, StreamSpec spec) {
        AlarmDecider.Verdict verdict = assessment.state() == JobState.SUCCEEDED
                ? AlarmDecider.decide(assessment.result(), policy)
                : AlarmDecider.assessmentFailed(assessment.message(), policy);
        alarms.decide(alarm.id(), verdict.decision(), verdict.reason(), verdict.evidence());
        log.info("Alarm {} on {}: {} — {}", alarm.id(), alarm.stream(), verdict.decision(), verdict.reason());
        Alarm decided = alarms.find(alarm.id()).orElseThrow();
        Optional<Job> next = start(decided, "ASSESSING", Action.answering(verdict), policy, spec);
        Job answer = next.filter(j -> j.kind() != JobKind.MERGE && j.kind() != JobKind.ARCHIVE).orElse(null);
        outbox.append(EventTypes.ADAPTATION_DECIDED, alarm.stream(), new AdaptationDecided(alarm.stream(), alarm.id(),
                verdict.decision(), verdict.reason(), verdict.evidence(),
                answer == null ? null : answer.id().toString(), clock.instant()));
        return next;
    }

    /**
     * Queues the answer, or first a merge or an archive when the answer adds an active adapter to a full set.
     *
     * @param from the alarm's state now
     */
    private Optional<Job> start(Alarm alarm, String from, Action action, AdaptationPolicy policy, StreamSpec spec) {
        ActiveSet set = activeSet(alarm.stream());
        boolean addsAdapter = action.kind() == JobKind.TRAIN_ADAPTER ? set.groupOf(alarm.segment()) == null
                : action.kind() == JobKind.RESTORE && set.isArchived(action.regime());
        if (addsAdapter) {
            Optional<Consolidation> room = Consolidation.choose(set, policy.maxAdapters(), similarity(alarm),
                    alarms.refusedMerges(alarm.stream()), policy.mergeMinSimilarity(),
                    policy.mergeMaxDescriptorDistance());
            if (room.isPresent()) {
                return Optional.of(consolidate(alarm, from, action, room.get()));
            }
        }
        Job job = submit(alarm, action.kind(), answerParameters(alarm, action));
        alarms.move(alarm.id(), from, "ACTING", job.id(), action.toMap(), null);
        return Optional.of(job);
    }

    private Job consolidate(Alarm alarm, String from, Action action, Consolidation room) {
        boolean merge = room.decision() == Decision.MERGE;
        Job job = jobService.submit(alarm.stream(), merge ? JobKind.MERGE : JobKind.ARCHIVE, Map.of(), Map.of(),
                Map.of(merge ? "sources" : "regimes", room.regimes(), "trigger", trigger(alarm)),
                AdaptationPlanner.ACTOR, alarm.id(), null);
        alarms.move(alarm.id(), from, "CONSOLIDATING", job.id(), action.toMap(), null);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("decision", room.decision().name());
        record.put("jobId", job.id().toString());
        record.put("regimes", room.regimes());
        record.put("pair", room.pair());
        record.put("reason", room.reason());
        alarms.addConsolidation(alarm.id(), record);
        outbox.append(EventTypes.ADAPTATION_DECIDED, alarm.stream(), new AdaptationDecided(alarm.stream(), alarm.id(),
                room.decision(), room.reason(), room.evidence(), job.id().toString(), clock.instant()));
        log.info("Alarm {} on {} needs a slot: {} job {} — {}", alarm.id(), alarm.stream(), room.decision(), job.id(),
                room.reason());
        return job;
    }

    private Optional<Job> afterConsolidation(Alarm alarm, Job job, AdaptationPolicy policy, StreamSpec spec) {
        Action action = Action.of(alarm.action());
        if ("PROMOTED".equals(job.promotion())) {
            alarms.consolidationOutcome(alarm.id(), "PROMOTED");
            return start(alarm, "CONSOLIDATING", action, policy, spec);
        }
        String verdict = verdict(job);
        alarms.consolidationOutcome(alarm.id(), verdict);
        if ("CANDIDATE".equals(job.promotion())) {
            alarms.move(alarm.id(), "CONSOLIDATING", "DONE", null, null, "autoPromote is off: " + job.kind()
                    + " version " + job.version() + " waits for an operator; the answer was not queued");
            return Optional.empty();
        }
        if (job.kind() == JobKind.MERGE) {
            List<Map<String, Object>> done = alarm.consolidations();
            if (!done.isEmpty() && done.get(done.size() - 1).get("pair") instanceof List<?> pair && pair.size() == 2) {
                alarms.refuseMerge(alarm.stream(), String.valueOf(pair.get(0)), String.valueOf(pair.get(1)), job.id());
            }
            log.info("Merge {} for alarm {} refused ({}); choosing again without that pair", job.id(), alarm.id(),
                    verdict);
            return start(alarm, "CONSOLIDATING", action, policy, spec);
        }
        stuck(alarm, "CONSOLIDATING", "no room for a new adapter: archiving was refused (" + verdict + ")");
        return Optional.empty();
    }

    private Optional<Job> afterAnswer(Alarm alarm, Job job, AdaptationPolicy policy, StreamSpec spec) {
        Action action = Action.of(alarm.action());
        if ("PROMOTED".equals(job.promotion()) || "CANDIDATE".equals(job.promotion())) {
            alarms.move(alarm.id(), "ACTING", "DONE", null, null, "PROMOTED".equals(job.promotion())
                    ? "version " + job.version() + " serves" : "version " + job.version()
                    + " left as candidate: autoPromote is off");
            return Optional.empty();
        }
        String verdict = verdict(job);
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("jobId", job.id().toString());
        attempt.put("kind", job.kind().name());
        attempt.put("rung", action.rung());
        attempt.put("remedy", remedyName(action));
        attempt.put("version", job.version());
        attempt.put("verdict", verdict);
        alarms.addAttempt(alarm.id(), attempt);
        List<Map<String, Object>> attempts = new ArrayList<>(alarm.attempts());
        attempts.add(attempt);
        if (action.kind() != JobKind.TRAIN_ADAPTER) {
            // A refused prior correction or restore: the window is answered as a new regime, then its ladder.
            Action fallback = new Action(JobKind.TRAIN_ADAPTER, null, 0);
            Optional<Job> next = start(alarm, "ACTING", fallback, policy, spec);
            alarms.note(alarm.id(), action.kind() + " refused (" + verdict + "): answered as a new regime");
            outbox.append(EventTypes.ADAPTATION_ATTEMPTED, alarm.stream(), new AdaptationAttempted(alarm.stream(),
                    alarm.id(), 0, "new-regime", next.map(j -> j.id().toString()).orElse(null), List.of(verdict),
                    clock.instant()));
            return next;
        }
        Optional<RemedyLadder.Rung> rung;
        try {
            rung = RemedyLadder.next(action.rung(), policy, spec.modelFamily());
        } catch (IllegalArgumentException ex) {
            stuck(alarm, "ACTING", "no further remedy: " + ex.getMessage(), attempts);
            return Optional.empty();
        }
        if (rung.isEmpty()) {
            stuck(alarm, "ACTING", "every remedy was refused (" + action.rung() + " of " + policy.maxRemedies()
                    + " climbed); the last verdict: " + verdict, attempts);
            return Optional.empty();
        }
        Action next = new Action(JobKind.TRAIN_ADAPTER, null, rung.get().rung());
        Map<String, Object> parameters = answerParameters(alarm, next);
        parameters.putAll(rung.get().parameters());
        Job remedy = submit(alarm, JobKind.TRAIN_ADAPTER, parameters);
        alarms.move(alarm.id(), "ACTING", "ACTING", remedy.id(), next.toMap(), null);
        outbox.append(EventTypes.ADAPTATION_ATTEMPTED, alarm.stream(), new AdaptationAttempted(alarm.stream(),
                alarm.id(), rung.get().rung(), rung.get().name(), remedy.id().toString(), List.of(verdict),
                clock.instant()));
        log.info("Alarm {} on {}: {} refused ({}); remedy {} '{}' as job {}", alarm.id(), alarm.stream(), job.id(),
                verdict, rung.get().rung(), rung.get().name(), remedy.id());
        return Optional.of(remedy);
    }

    private void stuck(Alarm alarm, String from, String reason) {
        stuck(alarm, from, reason, alarm.attempts());
    }

    private void stuck(Alarm alarm, String from, String reason, List<Map<String, Object>> attempts) {
        Integer serving = servingVersion(alarm.stream());
        alarms.move(alarm.id(), from, "STUCK", null, null, reason);
        outbox.append(EventTypes.ADAPTATION_STUCK, alarm.stream(), new AdaptationStuck(alarm.stream(), alarm.id(),
                alarm.segment(), attempts, serving, reason, clock.instant()));
        log.warn("Alarm {} on {} is STUCK: {}; version {} keeps serving", alarm.id(), alarm.stream(), reason,
                serving);
    }

    /** The registry's production version; unreachable, the last version the trainer promoted. */
    private Integer servingVersion(String stream) {
        try {
            return registry.production(stream).map(RegistryClient.Production::version).orElse(null);
        } catch (RestClientException ex) {
            List<Job> promoted = jobs.promotedVersions(stream);
            return promoted.isEmpty() ? null : promoted.get(promoted.size() - 1).version();
        }
    }

    private Job submit(Alarm alarm, JobKind kind, Map<String, Object> parameters) {
        return jobService.submit(alarm.stream(), kind, alarm.fromOffsets(), alarm.toOffsets(), parameters,
                AdaptationPlanner.ACTOR, alarm.id(), alarm.segment());
    }

    private static Map<String, Object> answerParameters(Alarm alarm, Action action) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("trigger", trigger(alarm));
        if (action.regime() != null) {
            p.put("regime", action.regime());
        }
        return p;
    }

    static Map<String, Object> trigger(Alarm alarm) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("alarmId", alarm.id());
        t.put("detector", alarm.detector());
        t.put("kind", alarm.kind());
        t.put("detectedAt", alarm.detectedAt().toString());
        return t;
    }

    private ActiveSet activeSet(String stream) {
        return ActiveSet.of(jobs.promotedChanges(stream).stream().map(AlarmAnswers::change).toList());
    }

    static ActiveSet.Change change(Job job) {
        Map<String, Object> p = job.parameters();
        List<String> regimes = switch (job.kind()) {
            case MERGE -> strings(p.get("sources"));
            case ARCHIVE -> strings(p.get("regimes"));
            case RESTORE, PRIOR_CORRECT, REFINE -> p.get("regime") == null ? List.of()
                    : List.of(String.valueOf(p.get("regime")));
            default -> List.of(job.segment());
        };
        return new ActiveSet.Change(job.kind(), regimes);
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** The assessment's adapter similarity evidence, if the alarm has any. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> similarity(Alarm alarm) {
        if (alarm.evidence() != null && alarm.evidence().get("assessment") instanceof Map<?, ?> a
                && a.get("adapterSimilarity") instanceof List<?> list) {
            return list.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList();
        }
        return List.of();
    }

    private static String verdict(Job job) {
        if ("BLOCKED".equals(job.promotion())) {
            return job.promotionDetail();
        }
        return "job " + job.state().name().toLowerCase() + (job.message() == null ? "" : ": " + job.message());
    }

    private static String remedyName(Action action) {
        return switch (action.rung()) {
            case 0 -> switch (action.kind()) {
                case RESTORE -> "restore";
                case PRIOR_CORRECT -> "prior-correction";
                default -> "new-adapter";
            };
            case 1 -> "distillation";
            case 2 -> "head-only";
            default -> "higher-rank";
        };
    }
}
