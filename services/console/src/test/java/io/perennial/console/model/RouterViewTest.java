package io.perennial.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** gpu-worker's router description ({@code VersionFiles.router}) as the version page shows it. */
class RouterViewTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void routedRegimesComeFirstThenArchivedOnesEachWithAdapterPriorsAndSegments() throws IOException {
        JsonNode router;
        try (InputStream in = RouterViewTest.class.getResourceAsStream("/samples/router.json")) {
            router = JSON.readTree(in);
        }
        RouterView view = RouterView.of(router);
        assertThat(view.archived()).containsExactly("seg-1");
        assertThat(view.hasPriors()).isTrue();
        assertThat(view.regimes()).extracting(RouterView.Regime::name).containsExactly("base", "seg-2", "seg-1");
        RouterView.Regime base = view.regimes().get(0);
        assertThat(base.archived()).isFalse();
        assertThat(base.adapter()).isNull();
        assertThat(base.priors()).isEqualTo("0.700 · 0.300");
        assertThat(base.segments()).containsExactly("base", "seg-3");
        RouterView.Regime seg2 = view.regimes().get(1);
        assertThat(seg2.adapter()).isEqualTo("seg-2");
        assertThat(seg2.priors()).isNull();
        // a segment without a regime belongs to the regime of its own name
        assertThat(seg2.segments()).containsExactly("seg-2");
        RouterView.Regime seg1 = view.regimes().get(2);
        assertThat(seg1.archived()).isTrue();
        assertThat(seg1.segments()).containsExactly("seg-1");
    }

    @Test
    void aRouterWithoutRegimesShowsNothing() {
        assertThat(RouterView.of(JSON.readTree("{}"))).isNull();
        assertThat(RouterView.of(JSON.readTree("{\"segments\":{}}"))).isNull();
        assertThat(RouterView.of(JSON.missingNode())).isNull();
        RouterView noPriors = RouterView.of(JSON.readTree("{\"regimes\":[\"base\"],\"classPriors\":{}}"));
        assertThat(noPriors.hasPriors()).isFalse();
        assertThat(noPriors.archived()).isEmpty();
    }
}
