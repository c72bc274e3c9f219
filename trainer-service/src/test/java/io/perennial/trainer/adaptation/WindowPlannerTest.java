package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WindowPlannerTest {

    private static Map<Integer, SampleOffsets.Range> offsets(long... pairs) {
        Map<Integer, SampleOffsets.Range> m = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(i / 2, new SampleOffsets.Range(pairs[i], pairs[i + 1]));
        }
        return m;
    }

    @Test
    void aWindowIsNotPlannedBeforeEnoughSamplesArrived() {
        assertThat(WindowPlanner.endOf(Map.of(0, 100L), offsets(0, 150), 100)).isNull();
        assertThat(WindowPlanner.endOf(Map.of(0, 100L), offsets(0, 200), 100)).containsEntry(0, 200L);
    }

    @Test
    void theWindowIsSharedInProportionToWhatEachPartitionHolds() {
        Map<Integer, Long> to = WindowPlanner.endOf(Map.of(0, 0L, 1, 10L), offsets(0, 300, 0, 110), 200);
        // 300 and 100 available after the starts: 3/4 and 1/4 of 200.
        assertThat(to).containsEntry(0, 150L).containsEntry(1, 60L);
    }

    @Test
    void aPartitionWithoutAStartBeginsAtItsLatestOffsetAndStartsAreClampedIntoRetention() {
        Map<Integer, Long> from = WindowPlanner.startsOf(Map.of(0, 5L), offsets(20, 100, 0, 40));
        assertThat(from).containsEntry(0, 20L).containsEntry(1, 40L);
        assertThat(WindowPlanner.endOf(from, offsets(20, 100, 0, 40), 80)).containsEntry(0, 100L).containsEntry(1, 40L);
    }

    @Test
    void aNewRegimeNeverStartsInsideAnOlderWindow() {
        assertThat(WindowPlanner.notBefore(Map.of(0, 50L, 1, 90L), Map.of(0, 70L, 1, 80L)))
                .containsEntry(0, 70L).containsEntry(1, 90L);
    }

    @Test
    void aWindowBeforeAnEndTakesTheNewestRecordsSharedInProportion() {
        // 300 and 100 records held before the ends: 3/4 and 1/4 of 200, ending at the given offsets.
        assertThat(WindowPlanner.startBefore(Map.of(0, 300L, 1, 110L), offsets(0, 400, 10, 200), 200))
                .containsEntry(0, 150L).containsEntry(1, 60L);
        // Fewer records than asked: everything Kafka still holds.
        assertThat(WindowPlanner.startBefore(Map.of(0, 50L), offsets(20, 100), 1000)).containsEntry(0, 20L);
        assertThat(WindowPlanner.startBefore(Map.of(0, 20L), offsets(20, 100), 1000)).isNull();
    }
}
