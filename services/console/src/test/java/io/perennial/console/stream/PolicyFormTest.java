package io.perennial.console.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy form's checks mirror trainer-service's AdaptationPolicy bounds. */
class PolicyFormTest {

    static Map<String, String> valid() {
        Map<String, String> f = new HashMap<>(Map.of("baseWindow", "1000", "minSamplesAfterDrift", "500",
                "adapterRank", "8", "maxAdapters", "4", "mergeMethod", "ties", "autoPromote", "on",
                "matchAlpha", "0.01", "matchMinRoutedShare", "0.5", "priorShiftAlpha", "0.001",
                "priorShiftMinTv", "0.1"));
        f.putAll(Map.of("maxRemedies", "3", "mergeMinSimilarity", "0.9", "mergeMaxDescriptorDistance", "1.0",
                "refineGrowth", "4", "refineMaxWindow", "20000", "refineMinGain", "0.01"));
        return f;
    }

    @Test
    void aValidFormGivesEveryFieldTyped() {
        PolicyForm f = PolicyForm.parse(valid());
        assertThat(f.valid()).as(f.errors().toString()).isTrue();
        assertThat(f.policy()).containsEntry("baseWindow", 1000).containsEntry("autoPromote", true)
                .containsEntry("matchAlpha", 0.01).containsEntry("maxRemedies", 3)
                .containsEntry("mergeMaxDescriptorDistance", 1.0).containsEntry("mergeMethod", "ties");
        assertThat(f.policy().keySet()).isEqualTo(PolicyForm.FIELDS);
        assertThat(PolicyForm.DECISION_FIELDS).extracting(PolicyForm.Field::name)
                .allMatch(PolicyForm.FIELDS::contains);
    }

    @Test
    void eachDecisionThresholdIsBoundedLikeTheTrainers() {
        assertThat(errors("matchAlpha", "0")).containsKey("matchAlpha");
        assertThat(errors("matchAlpha", "1")).isEmpty();
        assertThat(errors("matchAlpha", "1.5")).containsEntry("matchAlpha", "must be greater than 0 and at most 1");
        assertThat(errors("matchMinRoutedShare", "0")).containsKey("matchMinRoutedShare");
        assertThat(errors("priorShiftAlpha", "abc")).containsEntry("priorShiftAlpha", "must be a number");
        assertThat(errors("priorShiftMinTv", "0")).isEmpty();
        assertThat(errors("priorShiftMinTv", "-0.1")).containsEntry("priorShiftMinTv", "must be at least 0 and at most 1");
        assertThat(errors("maxRemedies", "0")).isEmpty();
        assertThat(errors("maxRemedies", "4")).containsEntry("maxRemedies", "must be between 0 and 3");
        assertThat(errors("maxRemedies", "1.5")).containsEntry("maxRemedies", "must be a whole number");
        assertThat(errors("mergeMinSimilarity", "-1")).isEmpty();
        assertThat(errors("mergeMinSimilarity", "-1.01")).containsKey("mergeMinSimilarity");
        assertThat(errors("mergeMaxDescriptorDistance", "Infinity")).containsKey("mergeMaxDescriptorDistance");
        assertThat(errors("mergeMaxDescriptorDistance", "NaN")).containsKey("mergeMaxDescriptorDistance");
        assertThat(errors("refineGrowth", "4")).isEmpty();
        assertThat(errors("refineGrowth", "1")).containsEntry("refineGrowth", "must be greater than 1 and at most 1000000");
        assertThat(errors("refineMaxWindow", "0")).containsEntry("refineMaxWindow", "must be between 1 and 10000000");
        assertThat(errors("refineMinGain", "0")).isEmpty();
        assertThat(errors("refineMinGain", "1.1")).containsKey("refineMinGain");
    }

    @Test
    void anEmptyThresholdIsNotSentSoTheTrainersDefaultApplies() {
        Map<String, String> f = valid();
        PolicyForm.DECISION_FIELDS.forEach(d -> f.put(d.name(), " "));
        PolicyForm parsed = PolicyForm.parse(f);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.policy()).doesNotContainKeys("matchAlpha", "maxRemedies", "mergeMaxDescriptorDistance",
                        "refineGrowth", "refineMaxWindow", "refineMinGain")
                .containsKey("baseWindow");
        f.put("baseWindow", "");
        assertThat(PolicyForm.parse(f).errors()).containsEntry("baseWindow", "is required");
    }

    @Test
    void theOlderFieldsKeepTheirChecks() {
        assertThat(errors("baseWindow", "0")).containsEntry("baseWindow", "must be between 1 and 10000000");
        assertThat(errors("mergeMethod", "average")).containsKey("mergeMethod");
        Map<String, String> off = valid();
        off.remove("autoPromote");
        assertThat(PolicyForm.parse(off).policy()).containsEntry("autoPromote", false);
    }

    private static Map<String, String> errors(String field, String value) {
        Map<String, String> f = valid();
        f.put(field, value);
        PolicyForm parsed = PolicyForm.parse(f);
        assertThat(parsed.policy().containsKey(field)).isEqualTo(!parsed.errors().containsKey(field));
        return parsed.errors();
    }
}
