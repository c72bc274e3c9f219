package io.perennial.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.adaptation.AdapterSimilarity;
import io.perennial.learning.adaptation.RegimeEvidence;
import io.perennial.learning.adaptation.WindowAssessment;
import io.perennial.learning.data.DomainShift;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.data.SegmentedStream;
import io.perennial.learning.data.UciDigits;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.routing.RoutedPredictions;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;

/** Window assessment, prior estimation and correction, archive and restore, through the public API (digits, small MLP). */
class ContinualAdaptationTest {

    private static SegmentedStream stream;
    private static ContinualLearner cl;

    @BeforeAll
    static void train() {
        LabeledData digits = UciDigits.load();
        stream = SegmentedStream.build(digits.range(0, 1400), digits.range(1400, 1797),
                List.of(DomainShift.identity(), DomainShift.rotation(90), DomainShift.rotation(180)), 450, 130, 3);
        MlpSpec spec = new MlpSpec(64, List.of(48), 10, Activation.RELU);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(12).optBatchSize(32).optLearningRate(3e-3).optSeed(5).build();
        cl = ContinualLearner.trainBase(spec, stream.segment(0).train(), cfg, TrainingListener.NONE, new RouterConfig(16, Double.NaN, 0.99, 1.0));
        TrainingConfig adapterCfg = cfg.toBuilder().optLearningRate(5e-3).optEpochs(15).build();
        cl.trainAdapter("rot90", stream.segment(1).train(), new LoraOptions(8, 16, List.of(), 1), adapterCfg, TrainingListener.NONE);
        cl.trainAdapter("rot180", stream.segment(2).train(), new LoraOptions(8, 16, List.of(), 2), adapterCfg, TrainingListener.NONE);
    }

    @AfterAll
    static void close() {
        cl.close();
    }

    /** A window with the given class shares: per class the first round(share·n) rows of {@code data} (no repeats). */
    private static LabeledData skewed(LabeledData data, double[] shares, int n) {
        List<Integer> idx = new ArrayList<>();
        for (int c = 0; c < shares.length; c++) {
            int want = (int) Math.round(shares[c] * n);
            for (int i = 0; i < data.size() && want > 0; i++) {
                if (data.labels()[i] == c) {
                    idx.add(i);
                    want--;
                }
            }
            if (want > 0) {
                throw new IllegalStateException("class " + c + " has too few rows for the window");
            }
        }
        java.util.Collections.shuffle(idx, new java.util.Random(5));
        return data.subset(idx.stream().mapToInt(Integer::intValue).toArray());
    }

    private static double nll(io.perennial.learning.evaluation.Predictions p, int[] labels) {
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            s -= Math.log(Math.max(1e-12, p.probabilities(i)[labels[i]]));
        }
        return s / labels.length;
    }

    /** Held-out rows of the base regime (not in any training window). */
    private static LabeledData heldOut() {
        return UciDigits.load().range(1400, 1797);
    }

    @Test
    void aWindowOfAKnownRegimeMatchesItAndNoOther() {
        for (int s = 0; s < 3; s++) {
            String name = List.of("base", "rot90", "rot180").get(s);
            WindowAssessment a = cl.assess(stream.probes().get(s));
            assertThat(a.samples()).isEqualTo(130);
            assertThat(a.nearest()).get().extracting(RegimeEvidence::regime).isEqualTo(name);
            RegimeEvidence own = a.regime(name);
            assertThat(own.routedShare()).as(name).isGreaterThan(0.75);
            assertThat(own.pValue()).isGreaterThan(0.01);
            assertThat(own.classConditionalPValue()).isGreaterThan(0.01);
            assertThat(own.priorShiftTv()).isLessThan(0.2);
            for (RegimeEvidence other : a.regimes()) {
                if (!other.regime().equals(name)) {
                    assertThat(other.pValue()).as(name + " window vs " + other.regime()).isLessThan(1e-3);
                    assertThat(other.classConditionalPValue()).isLessThan(1e-3);
                }
            }
        }
    }

    @Test
    void aPriorShiftKeepsTheClassConditionalFitAndMovesThePriors() {
        double[] shares = {0.3, 0.3, 0.1, 0.1, 0.04, 0.04, 0.03, 0.03, 0.03, 0.03};
        LabeledData window = skewed(heldOut(), shares, 120);
        RegimeEvidence base = cl.assess(window).regime("base");
        assertThat(base.classConditionalPValue()).isGreaterThan(0.01);
        assertThat(base.priorShiftPValue()).isLessThan(1e-4);
        assertThat(base.priorShiftTv()).isGreaterThan(0.25);
        assertThat(base.priorsFrom()).isEqualTo("labels");
        assertThat(base.trainingPriorsKnown()).isTrue();

        double[] fromLabels = cl.estimatePriors("base", window);
        assertThat(fromLabels[0] + fromLabels[1]).isCloseTo(0.6, within(0.02));
        // 70 % unlabelled: the EM of Saerens et al. on the base's posteriors
        boolean[] labelled = new boolean[window.size()];
        for (int i = 0; i < labelled.length; i += 10) {
            for (int j = i; j < Math.min(i + 3, labelled.length); j++) {
                labelled[j] = true;
            }
        }
        double[] em = cl.estimatePriors("base", window, labelled);
        assertThat(cl.assess(window, labelled).regime("base").priorsFrom()).isEqualTo("em");
        for (int c = 0; c < 10; c++) {
            assertThat(em[c]).as("class " + c).isCloseTo(fromLabels[c], within(0.08));
        }

        double before = cl.predict(window, RoutingMode.HARD).predictions().accuracy(window.labels());
        double nllBefore = nll(cl.predict(window, RoutingMode.HARD).predictions(), window.labels());
        cl.setClassPriors("base", em);
        try {
            assertThat(cl.classPriors()).containsOnlyKeys("base");
            double after = cl.predict(window, RoutingMode.HARD).predictions().accuracy(window.labels());
            double nllAfter = nll(cl.predict(window, RoutingMode.HARD).predictions(), window.labels());
            System.out.printf("prior correction on a skewed window: accuracy %.3f -> %.3f, NLL %.4f -> %.4f%n", before, after, nllBefore, nllAfter);
            assertThat(after).isGreaterThanOrEqualTo(before);
            assertThat(nllAfter).isLessThan(nllBefore);
            // rows routed elsewhere are untouched: the rot90 probe predicts as before
            assertThat(cl.evaluate(List.of(stream.probes().get(0)), null).accuracies().get(0)).isNotNull();
        } finally {
            cl.clearClassPriors("base");
            assertThat(cl.classPriors()).isEmpty();
        }
    }

    @Test
    void degenerateWindowsAndEmptyClassesAreRefusedWithAReason() {
        LabeledData probe = stream.probes().get(0);
        assertThatThrownBy(() -> cl.estimatePriors("base", probe.range(0, 20))).hasMessageContaining("degenerate window")
                .hasMessageContaining("20 rows");
        double[] one = new double[10];
        one[3] = 1;
        assertThatThrownBy(() -> cl.estimatePriors("base", skewed(LabeledData.concat(List.of(heldOut(), stream.segment(0).train())), one, 60))).hasMessageContaining("a single class");
        double[] noNine = {0.12, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0};
        assertThatThrownBy(() -> cl.estimatePriors("base", skewed(heldOut(), noNine, 200))).hasMessageContaining("empty class 9");
        assertThatThrownBy(() -> cl.estimatePriors("nope", probe)).hasMessageContaining("no regime 'nope'");
        assertThatThrownBy(() -> cl.setClassPriors("base", new double[] {1, 1})).hasMessageContaining("2 values for 10 classes");
    }

    @Test
    void aTrainingWindowWithAnEmptyClassCannotBePriorCorrected() {
        LabeledData probe = stream.probes().get(0);
        double[] noNine = {0.12, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0};
        try (ContinualLearner small = ContinualLearner.fromBase(
                ContinualLearner.trainNetwork(cl.base().spec(), stream.segment(0).train(), TrainingConfig.builder().optEpochs(2).optSeed(1).build(),
                        TrainingListener.NONE).getKey(), skewed(stream.segment(0).train(), noNine, 300), new RouterConfig(16, Double.NaN, 0.99, 1.0))) {
            assertThatThrownBy(() -> small.estimatePriors("base", probe)).hasMessageContaining("training prior of regime 'base' has an empty class 9");
            assertThatThrownBy(() -> small.setClassPriors("base", new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}))
                    .hasMessageContaining("empty class 9");
        }
    }

    @Test
    void archivedRegimesLeaveRoutingStayAssessedAndSurviveSaveAndLoad(@TempDir Path dir) throws Exception {
        LabeledData rot90 = stream.probes().get(1);
        assertThatThrownBy(() -> cl.archiveRegime("base")).hasMessageContaining("cannot be archived");
        cl.archiveRegime("rot90");
        try {
            assertThat(cl.archivedRegimes()).containsExactly("rot90");
            assertThatThrownBy(() -> cl.archiveRegime("rot90")).hasMessageContaining("already archived");
            RoutedPredictions p = cl.predict(rot90, RoutingMode.HARD);
            for (int i = 0; i < rot90.size(); i++) {
                assertThat(p.regimeOf(i)).isNotEqualTo("rot90");
            }
            WindowAssessment a = cl.assess(rot90);
            RegimeEvidence archived = a.regime("rot90");
            assertThat(archived.archived()).isTrue();
            assertThat(archived.routedShare()).isGreaterThan(0.9);
            assertThat(a.nearest()).get().extracting(RegimeEvidence::regime).isEqualTo("rot90");
            // only active adapters are compared
            assertThat(a.adapterSimilarity()).isEmpty();
            Map<String, Object> map = a.toMap();
            assertThat(map).containsKeys("samples", "labelled", "nearest", "regimes", "adapterSimilarity");
            assertThat(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(map)).contains("\"archived\":true");

            cl.setClassPriors("rot180", new double[] {2, 1, 1, 1, 1, 1, 1, 1, 1, 1});
            cl.save(dir);
            assertThat(dir.resolve("archived.json")).exists();
            assertThat(dir.resolve("class_priors.json")).exists();
            try (ContinualLearner back = ContinualLearner.load(dir)) {
                assertThat(back.archivedRegimes()).containsExactly("rot90");
                assertThat(back.classPriors().get("rot180")).containsExactly(cl.classPriors().get("rot180"), within(1e-12));
                for (LabeledData probe : stream.probes()) {
                    assertThat(back.predict(probe, RoutingMode.HARD).predictions().classes())
                            .containsExactly(cl.predict(probe, RoutingMode.HARD).predictions().classes());
                }
                assertThat(back.assess(rot90).regime("rot90").pValue()).isCloseTo(archived.pValue(), within(1e-6));
                back.restoreRegime("rot90");
                assertThat(back.predict(rot90, RoutingMode.HARD).regimeOf(0)).isEqualTo("rot90");
            }
        } finally {
            cl.clearClassPriors("rot180");
            cl.restoreRegime("rot90");
        }
        assertThatThrownBy(() -> cl.restoreRegime("rot90")).hasMessageContaining("not archived");
    }

    @Test
    void aTinyWindowIsAssessedWithWhatItCanSay() throws Exception {
        WindowAssessment a = cl.assess(stream.probes().get(1).range(0, 5));
        assertThat(a.samples()).isEqualTo(5);
        RegimeEvidence rot90 = a.regime("rot90");
        assertThat(rot90.classConditionalPValue()).isNaN();
        assertThat(rot90.notes()).anyMatch(n -> n.contains("20 labelled rows"));
        assertThat(rot90.pValue()).isBetween(0.0, 1.0);
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(a.toMap()))
                .contains("\"classConditionalPValue\":null");
        assertThatThrownBy(() -> cl.assess(stream.probes().get(1).range(0, 0))).hasMessageContaining("empty window");
    }

    @Test
    void activeAdaptersAreComparedByDeltaAndDescriptor() {
        List<AdapterSimilarity> sims = cl.assess(stream.probes().get(0)).adapterSimilarity();
        assertThat(sims).hasSize(1);
        AdapterSimilarity s = sims.get(0);
        assertThat(s.a()).isEqualTo("rot90");
        assertThat(s.b()).isEqualTo("rot180");
        assertThat(s.deltaCosine()).isBetween(-1.0, 1.0);
        assertThat(s.descriptorDistance()).isGreaterThan(1.0);
    }

    @Test
    void directoriesSavedBeforeTheNewFilesStillLoadAndAssess(@TempDir Path dir) throws Exception {
        cl.save(dir);
        // strip what older releases did not write: class ids, class counts and reference distances of each regime
        Path routerFile = dir.resolve(ContinualLearner.ROUTER_FILE);
        SafetensorsFile file = Safetensors.read(routerFile);
        SafetensorsFile.Builder old = SafetensorsFile.builder();
        file.metadata().forEach((k, v) -> {
            if (!k.endsWith(".classes") && !k.endsWith(".class_counts")) {
                old.putMetadata(k, v);
            }
        });
        file.tensors().forEach((k, v) -> {
            if (!k.endsWith(".reference")) {
                old.put(k, v);
            }
        });
        Safetensors.write(old.build(), routerFile);
        Files.deleteIfExists(dir.resolve("archived.json"));
        Files.deleteIfExists(dir.resolve("class_priors.json"));
        try (ContinualLearner back = ContinualLearner.load(dir)) {
            assertThat(back.archivedRegimes()).isEmpty();
            assertThat(back.classPriors()).isEmpty();
            RegimeEvidence base = back.assess(stream.probes().get(0)).regime("base");
            assertThat(base.trainingPriorsKnown()).isFalse();
            assertThat(base.trainingPriors()).containsOnly(0.1);
            assertThat(base.pValue()).isNaN();
            assertThat(base.notes()).anyMatch(n -> n.contains("reference"));
            assertThat(base.toMap().get("pValue")).isNull();
            assertThatThrownBy(() -> back.estimatePriors("base", stream.probes().get(0))).hasMessageContaining("no recorded training priors");
        }
    }
}
