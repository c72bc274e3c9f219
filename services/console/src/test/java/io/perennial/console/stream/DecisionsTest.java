package io.perennial.console.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** trainer-service's {@code GET /v1/decisions} answer (the shape of its {@code Alarm} record) read for the page. */
class DecisionsTest {

    static List<JsonNode> sample(String name) throws IOException {
        try (InputStream in = DecisionsTest.class.getResourceAsStream("/samples/" + name)) {
            List<JsonNode> out = new ArrayList<>();
            JsonMapper.builder().build().readTree(in).forEach(out::add);
            return out;
        }
    }

    @Test
    void aStuckAlarmShowsItsDecisionEveryAttemptWithItsVerdictItsJobsAndTheEvidence() throws IOException {
        List<Decisions.Row> rows = Decisions.rows(sample("decisions.json"));
        assertThat(rows).extracting(Decisions.Row::id).containsExactly(7L, 5L, 3L);
        Decisions.Row stuck = rows.get(0);
        assertThat(stuck.detectedAt()).isEqualTo(Instant.parse("2026-12-04T15:20:00Z"));
        assertThat(stuck.detector()).isEqualTo("ks");
        assertThat(stuck.decision()).isEqualTo("NEW_REGIME");
        assertThat(stuck.decisionTone()).isEqualTo("warn");
        assertThat(stuck.state()).isEqualTo("STUCK");
        assertThat(stuck.stateTone()).isEqualTo("bad");
        assertThat(stuck.reason()).startsWith("new regime: the nearest known regime");
        assertThat(stuck.action()).isEqualTo("TRAIN_ADAPTER, remedy rung 3");
        assertThat(stuck.waitingOn()).isNull();
        assertThat(stuck.jobIds()).hasSize(5).startsWith("0b8f8a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(stuck.attempts()).extracting(a -> a.rung() + ":" + a.remedy() + ":" + a.version())
                .containsExactly("0:new-adapter:4", "1:distillation:5", "2:head-only:null");
        assertThat(stuck.attempts().get(0).verdict()).isEqualTo("negative flip rate 0.0500 > 0.0100");
        // kept as text: the template escapes it
        assertThat(stuck.attempts().get(2).verdict()).isEqualTo("job failed: <b>out of memory</b>");
        assertThat(stuck.consolidations()).singleElement().satisfies(c -> {
            assertThat(c.decision()).isEqualTo("ARCHIVE");
            assertThat(c.regimes()).containsExactly("seg-1");
            assertThat(c.outcome()).isEqualTo("PROMOTED");
        });
        assertThat(Decisions.tried(stuck)).isEqualTo("new-adapter, distillation, head-only");

        Decisions.Evidence e = stuck.evidence();
        assertThat(e.nearest()).isEqualTo("base");
        assertThat(e.matched()).isNull();
        assertThat(e.samples()).isEqualTo(500);
        assertThat(e.labelled()).isEqualTo(480);
        assertThat(e.regimes()).extracting(Decisions.RegimeEvidence::regime).containsExactly("base", "seg-1");
        Decisions.RegimeEvidence base = e.regimes().get(0);
        assertThat(base.routedShare()).isCloseTo(0.92, within(1e-12));
        assertThat(base.pValue()).isCloseTo(2e-6, within(1e-18));
        assertThat(base.classConditionalPValue()).isCloseTo(1e-8, within(1e-20));
        assertThat(base.priorShiftTv()).isCloseTo(0.02, within(1e-12));
        Decisions.RegimeEvidence archived = e.regimes().get(1);
        assertThat(archived.archived()).isTrue();
        assertThat(archived.pValue()).isNull();
        assertThat(e.json()).contains("\"matchAlpha\"").contains("\"adapterSimilarity\"");
    }

    @Test
    void aPriorShiftNamesTheMatchedRegimeAndAnUndecidedAlarmHasNoEvidence() throws IOException {
        List<Decisions.Row> rows = Decisions.rows(sample("decisions.json"));
        Decisions.Row prior = rows.get(1);
        assertThat(prior.decisionTone()).isEqualTo("ok");
        assertThat(prior.stateTone()).isEqualTo("ok");
        assertThat(prior.action()).isEqualTo("PRIOR_CORRECT of regime base");
        assertThat(prior.waitingOn()).isEqualTo("66666666-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(prior.evidence().matched()).isEqualTo("base");
        assertThat(prior.evidence().regimes().get(0).priorShiftPValue()).isCloseTo(1e-5, within(1e-15));
        Decisions.Row pending = rows.get(2);
        assertThat(pending.decision()).isNull();
        assertThat(pending.decisionTone()).isEqualTo("grey");
        assertThat(pending.stateTone()).isEqualTo("warn");
        assertThat(pending.evidence()).isNull();
        assertThat(pending.action()).isNull();
        assertThat(Decisions.tried(pending)).isEqualTo("nothing could be tried");
    }

    @Test
    void aStuckAlarmStopsCountingOnceALaterAlarmIsAnsweredForGood() throws IOException {
        List<Decisions.Row> rows = Decisions.rows(sample("decisions.json"));
        List<Decisions.Row> stuck = List.of(rows.get(0));
        Decisions.Row doneBefore = rows.get(1);
        assertThat(Decisions.stillStuck(stuck, Optional.empty())).extracting(Decisions.Row::id).containsExactly(7L);
        assertThat(Decisions.stillStuck(stuck, Optional.of(doneBefore))).extracting(Decisions.Row::id)
                .containsExactly(7L);
        Decisions.Row doneAfter = new Decisions.Row(9, Instant.parse("2026-12-04T16:00:00Z"), "ks", "feature",
                "RECURRING", "ok", "r", "DONE", "ok", null, "seg-4", null, List.of(), null, List.of(), List.of(),
                null, null);
        assertThat(Decisions.stillStuck(stuck, Optional.of(doneAfter))).isEmpty();
        // only STUCK rows count, whatever list they come from
        assertThat(Decisions.stillStuck(rows, Optional.empty())).extracting(Decisions.Row::id).containsExactly(7L);
    }

    @Test
    void tonesCoverEveryDecisionAndState() {
        assertThat(Decisions.decisionTone("RECURRING")).isEqualTo("ok");
        assertThat(Decisions.decisionTone("RESTORE")).isEqualTo("ok");
        assertThat(Decisions.decisionTone("REFINE")).isEqualTo("ok");
        assertThat(Decisions.decisionTone("ARCHIVE")).isEqualTo("warn");
        assertThat(Decisions.decisionTone("NONE")).isEqualTo("grey");
        assertThat(Decisions.stateTone("CONSOLIDATING")).isEqualTo("warn");
        assertThat(Decisions.stateTone("SUPERSEDED")).isEqualTo("grey");
        assertThat(Decisions.stateTone("IGNORED")).isEqualTo("grey");
    }
}
