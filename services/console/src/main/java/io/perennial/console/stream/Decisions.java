package io.perennial.console.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * trainer-service's drift alarms and their decisions ({@code GET /v1/decisions}) as the stream page shows them: one
 * row per alarm with its decision, state, jobs, remedy attempts and a summary of the evidence; and which alarms keep
 * the stream STUCK. Pure: JSON in, records out.
 */
public final class Decisions {

    private Decisions() {
    }

    /**
     * One alarm and what became of it.
     *
     * @param decision RECURRING, RESTORE, PRIOR_SHIFT, NEW_REGIME, …, or null while undecided
     * @param decisionTone the pill's colour class for the decision
     * @param stateTone the pill's colour class for the state
     * @param action the answer being carried out, e.g. "TRAIN_ADAPTER, rung 2" (null when none)
     * @param jobIds every job run for the alarm, oldest first
     * @param waitingOn the job the alarm waits on now (null when none)
     * @param evidence the evidence summary (null when the alarm has none yet)
     */
    public record Row(long id, Instant detectedAt, String detector, String alarmKind, String decision,
            String decisionTone, String reason, String state, String stateTone, Instant decidedAt, String segment,
            String action, List<String> jobIds, String waitingOn, List<Attempt> attempts,
            List<Consolidation> consolidations, String note, Evidence evidence) {

        /** What was tried, for the stuck banner (see {@link Decisions#tried}). */
        public String tried() {
            return Decisions.tried(this);
        }
    }

    /** A refused answer: the job, its rung and remedy, the version it registered and the gate's verdict. */
    public record Attempt(String jobId, String kind, int rung, String remedy, Integer version, String verdict) {
    }

    /** A merge or archive run to make room for the answer. */
    public record Consolidation(String decision, String jobId, List<String> regimes, String reason, String outcome) {
    }

    /**
     * What the decision rests on.
     *
     * @param nearest the assessment's nearest known regime
     * @param matched the regime the window matched (recurrence, restore, prior shift), or null
     * @param regimes one row per known regime in the assessment
     * @param failure why the assessment failed, when it did
     * @param json the whole evidence, pretty-printed
     */
    public record Evidence(String nearest, String matched, Integer samples, Integer labelled,
            List<RegimeEvidence> regimes, String failure, String json) {
    }

    /** The assessment's evidence about one known regime (a null number: not computed). */
    public record RegimeEvidence(String regime, boolean archived, Double routedShare, Double pValue,
            Double classConditionalPValue, Double priorShiftPValue, Double priorShiftTv) {
    }

    /** The alarms, in the order given (trainer answers newest first). */
    public static List<Row> rows(List<JsonNode> alarms) {
        return alarms.stream().map(Decisions::row).toList();
    }

    static Row row(JsonNode a) {
        List<String> jobIds = new ArrayList<>();
        a.path("jobIds").forEach(j -> jobIds.add(j.asString()));
        List<Attempt> attempts = new ArrayList<>();
        a.path("attempts").forEach(t -> attempts.add(new Attempt(text(t.path("jobId")), text(t.path("kind")),
                t.path("rung").asInt(0), text(t.path("remedy")),
                t.path("version").isNumber() ? t.path("version").asInt() : null, text(t.path("verdict")))));
        List<Consolidation> consolidations = new ArrayList<>();
        a.path("consolidations").forEach(c -> {
            List<String> regimes = new ArrayList<>();
            c.path("regimes").forEach(r -> regimes.add(r.asString()));
            consolidations.add(new Consolidation(text(c.path("decision")), text(c.path("jobId")), regimes,
                    text(c.path("reason")), text(c.path("outcome"))));
        });
        String decision = text(a.path("decision"));
        String state = text(a.path("state"));
        return new Row(a.path("id").asLong(), instant(a.path("detectedAt")), text(a.path("detector")),
                text(a.path("kind")), decision, decisionTone(decision), text(a.path("reason")), state,
                stateTone(state), instant(a.path("decidedAt")), text(a.path("segment")), action(a.path("action")),
                jobIds, text(a.path("jobId")), attempts, consolidations, text(a.path("note")),
                evidence(a.path("evidence")));
    }

    /**
     * The STUCK alarms that still describe the stream: those detected after the newest alarm answered for good
     * (DONE). Once a later alarm's answer serves, the stream adapts again and its old STUCK alarms are history.
     *
     * @param stuck the stream's STUCK alarms ({@code /v1/decisions/stuck})
     * @param newestDone the stream's newest DONE alarm, if any
     */
    public static List<Row> stillStuck(List<Row> stuck, Optional<Row> newestDone) {
        Instant after = newestDone.map(Row::detectedAt).orElse(null);
        return stuck.stream().filter(r -> "STUCK".equals(r.state()))
                .filter(r -> after == null || r.detectedAt() == null || r.detectedAt().isAfter(after)).toList();
    }

    /** One line on what was tried for a stuck alarm: each attempt's remedy, e.g. "new-adapter, distillation". */
    public static String tried(Row r) {
        if (r.attempts().isEmpty()) {
            return r.consolidations().isEmpty() ? "nothing could be tried"
                    : String.join(", ", r.consolidations().stream().map(c -> c.decision() == null ? "consolidation"
                            : c.decision().toLowerCase()).toList()) + " to make room";
        }
        return String.join(", ", r.attempts().stream().map(t -> t.remedy() == null ? t.kind() : t.remedy())
                .toList());
    }

    static String decisionTone(String decision) {
        if (decision == null) {
            return "grey";
        }
        return switch (decision) {
            case "RECURRING", "RESTORE", "PRIOR_SHIFT", "REFINE" -> "ok";
            case "NEW_REGIME", "MERGE", "ARCHIVE" -> "warn";
            default -> "grey";
        };
    }

    static String stateTone(String state) {
        if (state == null) {
            return "grey";
        }
        return switch (state) {
            case "DONE" -> "ok";
            case "STUCK" -> "bad";
            case "PENDING", "ASSESSING", "CONSOLIDATING", "ACTING" -> "warn";
            default -> "grey";
        };
    }

    static Evidence evidence(JsonNode e) {
        if (!e.isObject() || e.isEmpty()) {
            return null;
        }
        JsonNode assessment = e.path("assessment");
        List<RegimeEvidence> regimes = new ArrayList<>();
        assessment.path("regimes").forEach(r -> regimes.add(new RegimeEvidence(text(r.path("regime")),
                r.path("archived").asBoolean(false), number(r.path("routedShare")), number(r.path("pValue")),
                number(r.path("classConditionalPValue")), number(r.path("priorShiftPValue")),
                number(r.path("priorShiftTv")))));
        String nearest = text(e.path("nearest"));
        return new Evidence(nearest != null ? nearest : text(assessment.path("nearest")), text(e.path("matched")),
                assessment.path("samples").isNumber() ? assessment.path("samples").asInt() : null,
                assessment.path("labelled").isNumber() ? assessment.path("labelled").asInt() : null, regimes,
                text(e.path("assessmentFailure")), e.toPrettyString());
    }

    private static String action(JsonNode action) {
        String kind = text(action.path("kind"));
        if (kind == null) {
            return null;
        }
        String regime = text(action.path("regime"));
        int rung = action.path("rung").asInt(0);
        return kind + (regime == null ? "" : " of regime " + regime) + (rung > 0 ? ", remedy rung " + rung : "");
    }

    private static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n.isValueNode() ? n.asString() : n.toString();
    }

    private static Double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }

    private static Instant instant(JsonNode n) {
        try {
            return n.isString() ? Instant.parse(n.asString()) : null;
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
