package io.perennial.registry.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.registry.evaluation.EvaluationRequest.SegmentResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reports stored before segments could be archived read back as reports without archived segments. */
class StoredReportsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aPreArchivingSummaryAndRowReadBackWithNothingArchived() {
        EvaluationSummary summary = JSON.readValue("{\"averageAccuracy\":0.9,\"newestSegment\":\"s1\","
                + "\"newestAccuracy\":0.9,\"backwardTransfer\":-0.01,\"forgetting\":0.01,\"maxForgetting\":0.01,"
                + "\"maxForgettingSegment\":\"s0\",\"segmentsWithHistory\":1,\"fromAccuracyMatrix\":true,"
                + "\"negativeFlipRate\":0.02,\"positiveFlipRate\":0.1,\"improvement\":0.08,\"flipSamples\":200,"
                + "\"calibrationError\":null,\"latencyMs\":1.0,\"parameterCount\":23}", EvaluationSummary.class);
        assertThat(summary.archivedSegments()).isEmpty();
        assertThat(summary.activeNegativeFlipRate()).isNull();
        assertThat(summary.negativeFlipRate()).isEqualTo(0.02);

        List<SegmentResult> row = JSON.readValue("[{\"segment\":\"s0\",\"accuracy\":0.9,\"calibrationError\":null,"
                + "\"samples\":100,\"negativeFlipRate\":0.01,\"positiveFlipRate\":0.0}]", new TypeReference<>() { });
        assertThat(row.get(0).archived()).isFalse();
        // written back, the flag is explicit
        assertThat(JSON.writeValueAsString(row.get(0))).contains("\"archived\":false");
        assertThat(JSON.writeValueAsString(summary)).contains("\"archivedSegments\":[]");
    }
}
