package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.trainer.adaptation.ActiveSet.Change;
import io.perennial.trainer.job.JobState;
import io.perennial.trainer.policy.AdaptationPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefineScheduleTest {

    private static final AdaptationPolicy POLICY = AdaptationPolicy.DEFAULT;
    private static final ActiveSet SET = ActiveSet.of(List.of(adapter("seg-1"), adapter("seg-2"), adapter("seg-3"),
            new Change(JobKind.MERGE, List.of("seg-1", "seg-2")), adapter("seg-4"),
            new Change(JobKind.ARCHIVE, List.of("seg-4")), new Change(JobKind.REFINE, List.of("seg-3"))));

    private static Change adapter(String regime) {
        return new Change(JobKind.TRAIN_ADAPTER, List.of(regime));
    }

    private static Map<String, Object> action(JobKind kind, String regime) {
        return regime == null ? Map.of("kind", kind.name(), "rung", 0)
                : Map.of("kind", kind.name(), "regime", regime, "rung", 0);
    }

    @Test
    void theCurrentRegimeIsTheLatestAnswersOwnAdapter() {
        // a new adapter: the alarm's segment; a recurrence or prior shift: the matched regime
        assertThat(RefineSchedule.current("DONE", action(JobKind.TRAIN_ADAPTER, null), "seg-3",
                JobKind.TRAIN_ADAPTER, "PROMOTED", SET).regime()).isEqualTo("seg-3");
        assertThat(RefineSchedule.current("DONE", action(JobKind.RESTORE, "seg-3"), "seg-7", JobKind.RESTORE,
                "PROMOTED", SET).regime()).isEqualTo("seg-3");
        assertThat(RefineSchedule.current("DONE", action(JobKind.PRIOR_CORRECT, "seg-3"), "seg-7",
                JobKind.PRIOR_CORRECT, "PROMOTED", SET).regime()).isEqualTo("seg-3");
        // a remedy that served: the answer's kind and the alarm's segment
        assertThat(RefineSchedule.current("DONE", Map.of("kind", "TRAIN_ADAPTER", "rung", 2), "seg-3",
                JobKind.TRAIN_ADAPTER, "PROMOTED", SET).regime()).isEqualTo("seg-3");
    }

    @Test
    void noRegimeIsCurrentWithoutAServedAnswerOrWithoutAnAdapterOfItsOwn() {
        assertThat(RefineSchedule.current("STUCK", action(JobKind.TRAIN_ADAPTER, null), "seg-3",
                JobKind.TRAIN_ADAPTER, "BLOCKED", SET).whyNone()).contains("STUCK");
        assertThat(RefineSchedule.current("DONE", action(JobKind.TRAIN_ADAPTER, null), "seg-3",
                JobKind.TRAIN_ADAPTER, "CANDIDATE", SET).whyNone()).contains("does not serve");
        // DONE after a consolidation candidate: the alarm's last job is the archive, not its answer
        assertThat(RefineSchedule.current("DONE", action(JobKind.TRAIN_ADAPTER, null), "seg-3", JobKind.ARCHIVE,
                "CANDIDATE", SET).regime()).isNull();
        assertThat(RefineSchedule.current("DONE", action(JobKind.RESTORE, "base"), "seg-7", JobKind.RESTORE,
                "PROMOTED", SET).whyNone()).contains("base");
        assertThat(RefineSchedule.current("DONE", action(JobKind.RESTORE, "seg-4"), "seg-7", JobKind.RESTORE,
                "PROMOTED", SET).whyNone()).contains("archived");
        assertThat(RefineSchedule.current("DONE", action(JobKind.TRAIN_ADAPTER, null), "seg-2",
                JobKind.TRAIN_ADAPTER, "PROMOTED", SET).whyNone()).contains("merged");
        assertThat(RefineSchedule.current("DONE", action(JobKind.TRAIN_ADAPTER, null), "seg-9",
                JobKind.TRAIN_ADAPTER, "PROMOTED", SET).whyNone()).contains("no adapter");
        assertThat(RefineSchedule.current("DONE", null, "seg-3", null, null, SET).regime()).isNull();
    }

    @Test
    void aRefinementIsDueOnceTheRegimesDataGrewByRefineGrowth() {
        assertThat(RefineSchedule.growth(1999, 500, POLICY).due()).isFalse();
        RefineSchedule.Growth due = RefineSchedule.growth(2000, 500, POLICY);
        assertThat(due.due()).isTrue();
        assertThat(due.growth()).isEqualTo(4.0);
        assertThat(due.toMap()).containsEntry("samplesSinceStart", 2000L).containsEntry("lastTrainedSamples", 500L);
        // after a refinement on 2000 samples, the next one waits for 8000
        assertThat(RefineSchedule.growth(7999, 2000, POLICY).due()).isFalse();
        assertThat(RefineSchedule.growth(8000, 2000, POLICY).due()).isTrue();
        AdaptationPolicy doubling = AdaptationPolicy.withOverrides(Map.of("refineGrowth", 2));
        assertThat(RefineSchedule.growth(1000, 500, doubling).due()).isTrue();
        assertThatThrownBy(() -> RefineSchedule.growth(1000, 0, POLICY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowRunsFromTheRegimesStartToNowCappedAtTheNewestRefineMaxWindow() {
        Map<Integer, SampleOffsets.Range> now = Map.of(0, new SampleOffsets.Range(0, 1600),
                1, new SampleOffsets.Range(0, 900));
        Map<Integer, Long> start = Map.of(0, 600L, 1, 400L);
        // 1500 samples since the start, under the cap: the whole window
        Map<Integer, Long> whole = RefineSchedule.windowStart(start, now, 20_000);
        assertThat(whole).containsEntry(0, 600L).containsEntry(1, 400L);
        assertThat(RefineSchedule.samples(whole, RefineSchedule.ends(now))).isEqualTo(1500);
        // capped at 300: the newest 300, shared in proportion (1000 : 500), never before the start
        Map<Integer, Long> capped = RefineSchedule.windowStart(start, now, 300);
        assertThat(capped).containsEntry(0, 1400L).containsEntry(1, 800L);
        assertThat(RefineSchedule.samples(capped, RefineSchedule.ends(now))).isEqualTo(300);
        // what retention removed is not in the window
        Map<Integer, SampleOffsets.Range> aged = Map.of(0, new SampleOffsets.Range(1000, 1600),
                1, new SampleOffsets.Range(0, 900));
        assertThat(RefineSchedule.windowStart(start, aged, 20_000)).containsEntry(0, 1000L).containsEntry(1, 400L);
    }

    @Test
    void refiningStopsWhenTheGateRefusesOrTheGainIsTooSmall() {
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", 0.05, "seg-5",
                POLICY)).isNull();
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", 0.01, "seg-5",
                POLICY)).isNull();
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", 0.002, "seg-5",
                POLICY)).contains("gained 0.0020").contains("refineMinGain 0.0100").contains("seg-5");
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", -0.03, "seg-5",
                POLICY)).contains("gained -0.0300");
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "BLOCKED",
                "gate refused: [max-negative-flip-rate]", null, "seg-5", POLICY))
                .contains("gate refused").contains("max-negative-flip-rate");
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", null, "seg-5",
                POLICY)).contains("no gain measured");
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "CANDIDATE", "waiting", null, "seg-5",
                POLICY)).contains("candidate");
        assertThat(RefineSchedule.stopReason(JobState.FAILED, "data aged out", null, null, null, null, "seg-5",
                POLICY)).contains("failed").contains("data aged out");
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", null, null, null, null, "seg-5", POLICY))
                .contains("no version");
        AdaptationPolicy lenient = AdaptationPolicy.withOverrides(Map.of("refineMinGain", 0));
        assertThat(RefineSchedule.stopReason(JobState.SUCCEEDED, "done", 7, "PROMOTED", "ok", 0.0, "seg-5",
                lenient)).isNull();
    }
}
