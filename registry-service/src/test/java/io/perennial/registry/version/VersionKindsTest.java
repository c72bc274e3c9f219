package io.perennial.registry.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.registry.version.VersionRequest.Adapter;
import io.perennial.registry.version.VersionRequest.MergeRecipe;
import io.perennial.registry.version.VersionRequest.MergeSource;
import io.perennial.registry.version.VersionRequest.PartitionRange;
import io.perennial.registry.version.VersionRequest.Segment;
import io.perennial.support.web.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionKindsTest {

    static final ModelFamilySpec FAMILY = SpecJson.modelSpecFromJson(
            "{\"family\":\"mlp\",\"input_dim\":4,\"hidden\":[3],\"classes\":2}");
    static final MergeRecipe RECIPE = new MergeRecipe("ties", null, 0.5, 7L, List.of(new MergeSource(2, "a")));

    @ParameterizedTest
    @ValueSource(strings = {"prior", "restore", "archive"})
    void aKindWithoutTrainingNeedsAParentAndNoMergeRecipe(String kind) {
        assertThatCode(() -> VersionService.validateShape(request(kind, 3, List.of(adapter("a", 2)), null),
                FAMILY)).doesNotThrowAnyException();
        assertThatCode(() -> VersionService.validateShape(request(kind, 3, List.of(), null), FAMILY))
                .doesNotThrowAnyException();
        ApiException orphan = refused(request(kind, null, List.of(), null));
        assertThat(orphan.getMessage()).contains(kind + " version needs the version whose regimes it changes");
        assertThat(field(orphan)).isEqualTo("parentVersion");
        ApiException merged = refused(request(kind, 3, List.of(), RECIPE));
        assertThat(field(merged)).isEqualTo("merge");
        assertThat(merged.getMessage()).contains("only merge versions have a merge recipe");
    }

    @Test
    void theOtherKindsKeepTheirRulesAndAnUnknownKindIsNamed() {
        assertThat(field(refused(request("base", 1, List.of(), null)))).isEqualTo("parentVersion");
        assertThat(field(refused(request("adapter", 1, List.of(), null)))).isEqualTo("adapters");
        assertThat(field(refused(request("merge", 1, List.of(), null)))).isEqualTo("merge");
        ApiException unknown = refused(request("retire", 1, List.of(), null));
        assertThat(field(unknown)).isEqualTo("kind");
        assertThat(unknown.getMessage()).contains("base, adapter, merge, prior, restore, archive, refine");
        assertThat("archive").matches(VersionKinds.PATTERN);
        assertThat("archived").doesNotMatch(VersionKinds.PATTERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prior", "restore", "archive"})
    void aKindWithoutTrainingListsOnlyItsParentsAdaptersUnchanged(String kind) {
        List<Adapter> parent = List.of(adapter("seg-1", 2), adapter("seg-2", 2));
        assertThatCode(() -> VersionKinds.checkNoNewAdapter(kind, 3, parent, parent)).doesNotThrowAnyException();
        assertThatCode(() -> VersionKinds.checkNoNewAdapter(kind, 3, parent, List.of(parent.get(1))))
                .doesNotThrowAnyException();
        assertThatCode(() -> VersionKinds.checkNoNewAdapter(kind, 3, parent, null)).doesNotThrowAnyException();

        ApiException added = catchThrowableOfType(ApiException.class, () -> VersionKinds.checkNoNewAdapter(kind, 3,
                parent, List.of(parent.get(0), adapter("seg-3", 2))));
        assertThat(field(added)).isEqualTo("adapters[1]");
        assertThat(added.getMessage()).contains("adds no adapter").contains("'seg-3'").contains("parent version 3");
        assertThat(added.properties()).containsEntry("reason", "new-adapter");

        ApiException changed = catchThrowableOfType(ApiException.class, () -> VersionKinds.checkNoNewAdapter(kind, 3,
                parent, List.of(adapter("seg-1", 3))));
        assertThat(field(changed)).isEqualTo("adapters[0]");
        assertThat(changed.properties()).containsEntry("reason", "changed-adapter");
    }

    @Test
    void aRefineVersionNeedsAParentTheAdapterItRefinedAndNoMergeRecipe() {
        assertThatCode(() -> VersionService.validateShape(request("refine", 3, List.of(adapter("seg-1", 2)), null),
                FAMILY)).doesNotThrowAnyException();
        ApiException orphan = refused(request("refine", null, List.of(adapter("seg-1", 2)), null));
        assertThat(field(orphan)).isEqualTo("parentVersion");
        assertThat(orphan.getMessage()).contains("refine version needs the version whose adapter it trains further");
        ApiException empty = refused(request("refine", 3, List.of(), null));
        assertThat(field(empty)).isEqualTo("adapters");
        ApiException merged = refused(request("refine", 3, List.of(adapter("seg-1", 2)), RECIPE));
        assertThat(field(merged)).isEqualTo("merge");
        assertThat("refine").matches(VersionKinds.PATTERN);
    }

    @Test
    void aRefineVersionRetrainsOneOfItsParentsAdaptersOrAddsOne() {
        List<Adapter> parent = List.of(adapter("seg-1", 2), adapter("seg-2", 2));
        // seg-2 trained further on its grown window (new segment), seg-1 unchanged
        assertThatCode(() -> VersionKinds.checkOneRefinedAdapter("refine", 3, parent,
                List.of(parent.get(0), grown("seg-2", 2, 900)))).doesNotThrowAnyException();
        // a remedy may change the refined adapter's shape
        assertThatCode(() -> VersionKinds.checkOneRefinedAdapter("refine", 3, parent,
                List.of(parent.get(0), grown("seg-2", 4, 900)))).doesNotThrowAnyException();
        // the base regime's first adapter
        assertThatCode(() -> VersionKinds.checkOneRefinedAdapter("refine", 3, parent,
                List.of(parent.get(0), parent.get(1), grown("base", 2, 900)))).doesNotThrowAnyException();
        assertThatCode(() -> VersionKinds.checkOneRefinedAdapter("refine", 3, List.of(),
                List.of(grown("base", 2, 900)))).doesNotThrowAnyException();

        ApiException two = catchThrowableOfType(ApiException.class, () -> VersionKinds.checkOneRefinedAdapter(
                "refine", 3, parent, List.of(grown("seg-1", 2, 900), grown("seg-2", 2, 900))));
        assertThat(field(two)).isEqualTo("adapters[1]");
        assertThat(two.getMessage()).contains("'seg-1' and 'seg-2' differ from version 3");
        assertThat(two.properties()).containsEntry("reason", "several-changes");
        ApiException changedAndAdded = catchThrowableOfType(ApiException.class,
                () -> VersionKinds.checkOneRefinedAdapter("refine", 3, parent,
                        List.of(grown("seg-1", 2, 900), parent.get(1), adapter("seg-3", 2))));
        assertThat(field(changedAndAdded)).isEqualTo("adapters[2]");

        ApiException none = catchThrowableOfType(ApiException.class,
                () -> VersionKinds.checkOneRefinedAdapter("refine", 3, parent, parent));
        assertThat(field(none)).isEqualTo("adapters");
        assertThat(none.properties()).containsEntry("reason", "no-change");

        // the rule is refine's only; the kinds without training keep theirs
        assertThatCode(() -> VersionKinds.checkOneRefinedAdapter("adapter", 3, parent, parent))
                .doesNotThrowAnyException();
        assertThatCode(() -> VersionKinds.checkNoNewAdapter("refine", 3, parent, List.of(grown("seg-2", 2, 900))))
                .doesNotThrowAnyException();
    }

    @Test
    void adapterAndMergeVersionsMayAddAdapters() {
        assertThatCode(() -> VersionKinds.checkNoNewAdapter("adapter", 3, List.of(), List.of(adapter("new", 2))))
                .doesNotThrowAnyException();
        assertThatCode(() -> VersionKinds.checkNoNewAdapter("merge", 3, List.of(), List.of(adapter("new", 2))))
                .doesNotThrowAnyException();
    }

    static ApiException refused(VersionRequest r) {
        ApiException ex = catchThrowableOfType(ApiException.class, () -> VersionService.validateShape(r, FAMILY));
        assertThat(ex).as("refused: " + r).isNotNull();
        assertThat(ex.status().value()).isEqualTo(400);
        return ex;
    }

    static String field(ApiException ex) {
        return (String) ex.properties().get("field");
    }

    static VersionRequest request(String kind, Integer parent, List<Adapter> adapters, MergeRecipe merge) {
        return new VersionRequest(kind, parent, "job-1", adapters, Map.of("regimes", List.of("seg-1")), merge, null,
                null, null);
    }

    static Adapter adapter(String name, int rank) {
        return grown(name, rank, 200);
    }

    /** The adapter trained on offsets 100 up to {@code toOffset}. */
    static Adapter grown(String name, int rank, long toOffset) {
        return new Adapter(name, rank, 4, List.of("fc1"), new Segment("perennial.samples.s",
                List.of(new PartitionRange(0, 100, toOffset)), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z")));
    }
}
