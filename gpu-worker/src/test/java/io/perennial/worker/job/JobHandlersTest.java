package io.perennial.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.adaptation.WindowAssessment;
import io.perennial.learning.data.LabeledData;
import io.perennial.learning.evaluation.ProbeReport;
import io.perennial.learning.lora.LoraOptions;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import io.perennial.learning.routing.FeatureDescriptor;
import io.perennial.learning.routing.RouterConfig;
import io.perennial.learning.routing.RoutingMode;
import io.perennial.learning.training.Distillation;
import io.perennial.learning.training.TrainingConfig;
import io.perennial.learning.training.listener.TrainingListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pure parts of the job handlers, on a real small model: a base trained on one synthetic regime and an adapter
 * on a second one (as two earlier jobs would have left them). What each new kind does to the model, the version
 * request it registers (kind, adapters, segments with their regimes, router with archived regimes and class
 * priors) and the evaluation report (archived segments flagged).
 */
@SuppressWarnings("unchecked")
class JobHandlersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLASSES = 3;
    private static final int FEATURES = 4;

    @TempDir
    static Path saved;

    private ContinualLearner learner;

    /** Class k is a Gaussian blob around 3·e_k; the second regime mirrors and shifts every feature. */
    static LabeledData regime(boolean shifted, int n, double[] classShares, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int k = 0;
            for (double acc = classShares[0]; u > acc && k < CLASSES - 1; acc += classShares[++k]) {
                // picks the class whose cumulative share first exceeds u
            }
            y[i] = k;
            for (int f = 0; f < FEATURES; f++) {
                double v = (f == k ? 3.0 : 0.0) + 0.5 * random.nextGaussian();
                x[i * FEATURES + f] = (float) (shifted ? 6.0 - v : v);
            }
        }
        return LabeledData.of(x, y, new int[] {FEATURES}, CLASSES);
    }

    static final double[] BALANCED = {1.0 / 3, 1.0 / 3, 1.0 / 3};

    /** A serving version as two earlier jobs leave it: the base on the first regime, adapter seg-1 on the second. */
    static ContinualLearner trainTwoRegimes() {
        MlpSpec spec = new MlpSpec(FEATURES, List.of(16), CLASSES, Activation.RELU);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(2).optBatchSize(32).optLearningRate(1e-2).optSeed(3)
                .build();
        ContinualLearner cl = ContinualLearner.trainBase(spec, regime(false, 300, BALANCED, 1), cfg,
                TrainingListener.NONE, RouterConfig.defaults());
        cl.trainAdapter("seg-1", regime(true, 300, BALANCED, 2), new LoraOptions(2, 4, List.of(), 1), cfg,
                TrainingListener.NONE);
        return cl;
    }

    @BeforeAll
    static void trainBaseAndAdapter() throws Exception {
        try (ContinualLearner cl = trainTwoRegimes()) {
            cl.save(saved);
        }
    }

    @BeforeEach
    void loadTheServingVersion() throws Exception {
        learner = ContinualLearner.load(saved);
    }

    @AfterEach
    void close() {
        learner.close();
    }

    /** The parent as the registry returns it: its adapter and segments registered before segments named regimes. */
    private static JsonNode parent() {
        return parent("seg-1");
    }

    private static JsonNode parent(String adapter) {
        Map<String, Object> window = Map.of("topic", "perennial.samples.s", "partitions",
                List.of(Map.of("partition", 0, "fromOffset", 0, "toOffset", 300)));
        return JSON.valueToTree(Map.of("version", 2, "adapters", List.of(Map.of("name", adapter, "rank", 4,
                "alpha", 8.0, "targetModules", List.of("fc1", "fc2"), "segment", window)), "router",
                Map.of("segments", Map.of("base", window, "seg-1", window))));
    }

    private static JobRequested job(JobKind kind) {
        return JobParametersTest.job(kind, Map.of());
    }

    private static VersionDraft draft(String kind, VersionDraft.NewSegment segment, String adapter) {
        return new VersionDraft(kind, 2, 2, List.of(), null, segment, adapter, null, kind + " version");
    }

    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void anAdapterVersionListsItsAdapterAndMapsEverySegmentToItsRegime() {
        JobRequested job = job(JobKind.TRAIN_ADAPTER);
        VersionDraft draft = draft("adapter", new VersionDraft.NewSegment("seg-2", "seg-2"), "seg-1");
        // the candidate's newly trained adapter is seg-1; the parent's is another
        JsonNode parent = parent("seg-0");
        Map<String, Object> segments = VersionRequest.segments(parent, job, draft);
        Map<String, Object> v = VersionRequest.of(job, draft, parent, learner, segments, List.of(), null);

        assertThat(v).containsEntry("kind", "adapter").containsEntry("parentVersion", 2)
                .containsEntry("jobId", "job-1").containsEntry("description", "adapter version");
        List<Map<String, Object>> adapters = (List<Map<String, Object>>) v.get("adapters");
        assertThat(adapters).extracting(a -> a.get("name")).containsExactly("seg-0", "seg-1");
        assertThat(adapters.get(1)).containsEntry("name", "seg-1").containsEntry("rank", 2)
                .containsEntry("segment", VersionRequest.window(job));
        Map<String, Object> router = map(v.get("router"));
        assertThat((List<String>) router.get("regimes")).containsExactly("base", "seg-1");
        assertThat((List<String>) router.get("archived")).isEmpty();
        assertThat(map(router.get("classPriors"))).isEmpty();
        Map<String, Object> routed = map(router.get("segments"));
        assertThat(routed).containsOnlyKeys("base", "seg-1", "seg-2");
        // segments registered before they named a regime were learned as the regime of their own name
        assertThat(map(routed.get("base"))).containsEntry("regime", "base").containsKey("partitions");
        assertThat(map(routed.get("seg-1"))).containsEntry("regime", "seg-1");
        assertThat(map(routed.get("seg-2"))).containsEntry("regime", "seg-2")
                .containsEntry("topic", "perennial.samples.s")
                .containsEntry("partitions", List.of(Map.of("partition", 0, "fromOffset", 0L, "toOffset", 100L)));
        assertThat(VersionRequest.archivedSegments(routed, learner.archivedRegimes())).isEmpty();
    }

    @Test
    void aMergeDropsTheAdaptersItConsumedAndRecordsNoSegment() {
        JobRequested job = job(JobKind.MERGE);
        VersionDraft draft = new VersionDraft("merge", 2, 2, List.of(), null, null, null,
                new VersionDraft.Merge(Map.of("method", "ties"), Set.of("seg-1")), "merged");
        Map<String, Object> segments = VersionRequest.segments(parent(), job, draft);
        Map<String, Object> v = VersionRequest.of(job, draft, parent(), learner, segments, List.of(), null);
        assertThat((List<?>) v.get("adapters")).isEmpty();
        assertThat(map(v.get("merge"))).containsEntry("method", "ties");
        assertThat(map(map(v.get("router")).get("segments"))).containsOnlyKeys("base", "seg-1");
    }

    @Test
    void archivingTakesTheRegimeOutOfRoutingAndFlagsItsSegmentsInTheEvaluation() {
        List<SegmentProbe> probes = probesOfBothRegimes(11);
        LabeledData shiftedProbe = probes.get(1).data();
        var serving = learner.predictProbes(SegmentProbe.samples(probes));
        assertThat(regimesOf(shiftedProbe)).contains("seg-1");

        ArchiveHandler.archive(learner, List.of("seg-1"), 2);

        assertThat(learner.archivedRegimes()).containsExactly("seg-1");
        assertThat(regimesOf(shiftedProbe)).doesNotContain("seg-1");
        JobRequested job = job(JobKind.ARCHIVE);
        VersionDraft draft = new VersionDraft("archive", 2, 2, probes, serving, null, null, null, "archived");
        Map<String, Object> segments = VersionRequest.segments(parent(), job, draft);
        Map<String, Object> v = VersionRequest.of(job, draft, parent(), learner, segments, List.of(), null);
        Map<String, Object> router = map(v.get("router"));
        assertThat(v).containsEntry("kind", "archive");
        assertThat((List<String>) router.get("archived")).containsExactly("seg-1");
        assertThat(map(router.get("segments"))).containsOnlyKeys("base", "seg-1");
        assertThat(((List<?>) v.get("adapters"))).hasSize(1); // the adapter stays in the version

        Set<String> archivedSegments = VersionRequest.archivedSegments(segments, learner.archivedRegimes());
        assertThat(archivedSegments).containsExactly("seg-1");
        ProbeReport report = learner.evaluate(draft.probeData(), serving);
        Map<String, Object> evaluation = EvaluationReport.of(probes, report, 2, 0.1, learner,
                learner.base().spec(), archivedSegments);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) evaluation.get("segments");
        Map<String, Map<String, Object>> bySegment = new HashMap<>();
        rows.forEach(r -> bySegment.put((String) r.get("segment"), r));
        assertThat(bySegment.get("base")).doesNotContainKey("archived");
        assertThat(bySegment.get("seg-1")).containsEntry("archived", true)
                .containsKeys("accuracy", "negativeFlipRate");
        assertThat(evaluation).containsEntry("servingVersion", 2);
    }

    /** The probes of the base segment and of seg-1, as an earlier job's probes would be read. */
    private static List<SegmentProbe> probesOfBothRegimes(long seed) {
        return List.of(new SegmentProbe("base", regime(false, 60, BALANCED, seed)), new SegmentProbe("seg-1",
                regime(true, 60, BALANCED, seed + 1)));
    }

    private double shareRoutedTo(LabeledData probe, String regime) {
        var p = learner.predict(probe, RoutingMode.HARD);
        long routed = java.util.stream.IntStream.range(0, probe.size()).filter(i -> regime.equals(p.regimeOf(i)))
                .count();
        return (double) routed / probe.size();
    }

    private java.util.Set<String> regimesOf(LabeledData probe) {
        var p = learner.predict(probe, RoutingMode.HARD);
        java.util.Set<String> regimes = new java.util.HashSet<>();
        for (int i = 0; i < probe.size(); i++) {
            regimes.add(p.regimeOf(i));
        }
        return regimes;
    }

    @Test
    void archivingRefusesUnknownBaseAndAlreadyArchivedRegimesForGood() {
        assertThatThrownBy(() -> ArchiveHandler.archive(learner, List.of("seg-9"), 2))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("version 2 has no regime 'seg-9'");
        assertThatThrownBy(() -> ArchiveHandler.archive(learner, List.of("base"), 2))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("cannot archive regime base");
        ArchiveHandler.archive(learner, List.of("seg-1"), 2);
        assertThatThrownBy(() -> ArchiveHandler.archive(learner, List.of("seg-1"), 3))
                .isInstanceOf(JobFailedException.class).hasMessageContaining("already archived");
    }

    @Test
    void restoringRoutesAnArchivedRegimeAgainAndLeavesAnActiveOneAsItIs() {
        LabeledData shiftedProbe = regime(true, 60, BALANCED, 13);
        ArchiveHandler.archive(learner, List.of("seg-1"), 2);
        assertThat(RestoreHandler.restore(learner, "seg-1")).isTrue();
        assertThat(learner.archivedRegimes()).isEmpty();
        assertThat(regimesOf(shiftedProbe)).contains("seg-1");
        assertThat(RestoreHandler.restore(learner, "seg-1")).isFalse();

        JobRequested job = job(JobKind.RESTORE);
        VersionDraft draft = draft("restore", new VersionDraft.NewSegment("seg-2", "seg-1"), null);
        Map<String, Object> segments = VersionRequest.segments(parent(), job, draft);
        Map<String, Object> v = VersionRequest.of(job, draft, parent(), learner, segments, List.of(), null);
        assertThat(v).containsEntry("kind", "restore");
        assertThat((List<?>) v.get("adapters")).hasSize(1); // nothing trained
        assertThat(map(map(map(v.get("router")).get("segments")).get("seg-2"))).containsEntry("regime", "seg-1");
    }

    @Test
    void priorCorrectionServesTheWindowsPriorsAndRefusesADegenerateWindow() {
        LabeledData skewed = regime(false, 400, new double[] {0.7, 0.2, 0.1}, 21);
        double[] priors = PriorCorrectHandler.correct(learner, "base", skewed);
        assertThat(priors).hasSize(CLASSES);
        assertThat(priors[0]).isCloseTo(0.7, within(0.06));
        assertThat(priors[2]).isCloseTo(0.1, within(0.05));
        assertThat(learner.classPriors()).containsOnlyKeys("base");

        JobRequested job = job(JobKind.PRIOR_CORRECT);
        VersionDraft draft = draft("prior", new VersionDraft.NewSegment("seg-2", "base"), null);
        Map<String, Object> segments = VersionRequest.segments(parent(), job, draft);
        Map<String, Object> v = VersionRequest.of(job, draft, parent(), learner, segments, List.of(), null);
        Map<String, Object> router = map(v.get("router"));
        assertThat(v).containsEntry("kind", "prior");
        assertThat(map(router.get("classPriors")).get("base")).isEqualTo(priors);
        assertThat(map(map(router.get("segments")).get("seg-2"))).containsEntry("regime", "base");
        // The base regime's older probe was drawn under the old priors: superseded, evaluated but not gated, and
        // so for every later version that inherits the segment; other regimes' segments and the window are gated.
        assertThat(map(map(router.get("segments")).get("base"))).containsEntry("superseded", true);
        assertThat(map(map(router.get("segments")).get("seg-1"))).doesNotContainKey("superseded");
        assertThat(VersionRequest.archivedSegments(segments, learner.archivedRegimes())).containsExactly("base");
        JobRequested next = job(JobKind.TRAIN_ADAPTER);
        Map<String, Object> inherited = VersionRequest.segments(JSON.valueToTree(v), next,
                draft("adapter", new VersionDraft.NewSegment("seg-3", "seg-3"), null));
        assertThat(VersionRequest.archivedSegments(inherited, learner.archivedRegimes())).containsExactly("base");
        // the router description is JSON as the registry stores it
        assertThat(JSON.valueToTree(router).path("classPriors").path("base").get(0).asDouble())
                .isEqualTo(priors[0]);

        LabeledData oneClass = regime(false, 200, new double[] {1, 0, 0}, 22);
        assertThatThrownBy(() -> PriorCorrectHandler.correct(learner, "seg-1", oneClass))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageStartingWith("cannot correct the class priors of regime seg-1: ");
    }

    @Test
    void anAssessmentReportsEvidenceAgainstEveryRegimeAsTheJobsResult() {
        LabeledData data = regime(true, 300, BALANCED, 31);
        boolean[] labelled = new boolean[data.size()];
        java.util.Arrays.fill(labelled, true);
        TrainingWindow window = new TrainingWindow(data, List.of(), new long[data.size()], 0, 0, 0, labelled);
        WindowAssessment assessment = AssessHandler.assess(learner, window);
        JobOutcome outcome = JobOutcome.found(assessment.toMap(), "assessed");
        assertThat(outcome.version()).isNull();
        assertThat(outcome.result()).containsEntry("samples", 300).containsEntry("nearest", "seg-1");
        List<Map<String, Object>> regimes = (List<Map<String, Object>>) outcome.result().get("regimes");
        assertThat(regimes).extracting(r -> r.get("regime")).containsExactlyInAnyOrder("base", "seg-1");
        // the result travels as JSON in the job report
        assertThat(JSON.valueToTree(outcome.result()).path("nearest").asString()).isEqualTo("seg-1");

        Map<String, Object> withNull = new HashMap<>();
        withNull.put("nearest", null);
        assertThat(JobOutcome.found(withNull, "none").result()).containsEntry("nearest", null);
    }

    @Test
    void remedyParametersShapeTheAdapterAndItsTraining() {
        String head = learner.base().spec().headLayer();
        JobRequested job = JobParametersTest.job(JobKind.TRAIN_ADAPTER, Map.of("rank", 2, "epochs", 1,
                "targets", List.of(head), "distillation", Map.of("weight", 1, "temperature", 2)));
        JobParameters params = JobParameters.of(job);
        JobRun run = new JobRun(job, params, () -> false, null, null, null, null, null);
        TrainingConfig cfg = TrainAdapterHandler.trainingConfig(run);
        assertThat(cfg.distillationWeight()).isEqualTo(1.0);
        assertThat(cfg.distillationTemperature()).isEqualTo(2.0);
        assertThat(cfg.epochs()).isEqualTo(1);
        LoraOptions options = TrainAdapterHandler.options(params, learner.base().spec());

        learner.trainAdapter("seg-2", regime(true, 150, BALANCED, 51), options, cfg, TrainingListener.NONE);

        assertThat(learner.adapters().get("seg-2").targets()).containsExactly(head);
        VersionDraft draft = draft("adapter", new VersionDraft.NewSegment("seg-2", "seg-2"), "seg-2");
        Map<String, Object> v = VersionRequest.of(job, draft, parent(), learner,
                VersionRequest.segments(parent(), job, draft), List.of(), null);
        Map<String, Object> adapter = ((List<Map<String, Object>>) v.get("adapters")).get(1);
        assertThat(adapter).containsEntry("name", "seg-2").containsEntry("rank", 2)
                .containsEntry("targetModules", List.of(head));
        assertThat(TrainAdapterHandler.shape(params)).isEqualTo("rank 2, layers [" + head
                + "], distilled from the serving version with weight 1.0 at temperature 2.0");
        assertThat(TrainAdapterHandler.shape(JobParameters.of(JobParametersTest.job(JobKind.TRAIN_ADAPTER,
                Map.of())))).isEqualTo("rank 8, every linear layer");
    }

    @Test
    void anArchiveOfTheNewestProbesRegimeEndsItsReportWithTheNewestActiveSegment() {
        // the registry reads the last row as the segment the version learned and refuses it archived
        List<SegmentProbe> probes = probesOfBothRegimes(61);
        var serving = learner.predictProbes(SegmentProbe.samples(probes));
        ArchiveHandler.archive(learner, List.of("seg-1"), 2);
        ProbeReport report = learner.evaluate(SegmentProbe.samples(probes), serving);
        Map<String, Object> evaluation = EvaluationReport.of(probes, report, 2, 0.1, learner, learner.base().spec(),
                Set.of("seg-1"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) evaluation.get("segments");
        assertThat(rows).extracting(r -> r.get("segment")).containsExactly("seg-1", "base");
        assertThat(rows.get(0)).containsEntry("archived", true).containsEntry("accuracy", report.accuracies().get(1));
        assertThat(rows.get(1)).containsEntry("accuracy", report.accuracies().get(0));

        List<Map<String, Object>> allArchived = new java.util.ArrayList<>(List.of(Map.of("segment", "a", "archived",
                true), Map.of("segment", "b", "archived", true)));
        EvaluationReport.endWithAnActiveSegment(allArchived);
        assertThat(allArchived).extracting(r -> r.get("segment")).containsExactly("a", "b");
        List<Map<String, Object>> mixed = new java.util.ArrayList<>(List.of(Map.of("segment", "a"),
                Map.of("segment", "b"), Map.of("segment", "c", "archived", true), Map.of("segment", "d", "archived",
                true)));
        EvaluationReport.endWithAnActiveSegment(mixed);
        assertThat(mixed).extracting(r -> r.get("segment")).containsExactly("a", "c", "d", "b");
    }

    /** A serving version whose adapter seg-1 learned its regime from a first window of only {@code firstWindow}. */
    private static ContinualLearner baseAndTinyAdapter(int firstWindow) {
        MlpSpec spec = new MlpSpec(FEATURES, List.of(16), CLASSES, Activation.RELU);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(2).optBatchSize(32).optLearningRate(1e-2).optSeed(3)
                .build();
        ContinualLearner cl = ContinualLearner.trainBase(spec, regime(false, 300, BALANCED, 1), cfg,
                TrainingListener.NONE, RouterConfig.defaults());
        cl.trainAdapter("seg-1", regime(true, firstWindow, BALANCED, 2), new LoraOptions(2, 4, List.of(), 1), cfg,
                TrainingListener.NONE);
        return cl;
    }

    private static Map<String, float[]> weightsOf(ContinualLearner cl, String adapter) {
        Map<String, float[]> w = new HashMap<>();
        cl.adapters().get(adapter).aWeights().forEach((layer, a) -> w.put("A " + layer, a.clone()));
        cl.adapters().get(adapter).bWeights().forEach((layer, b) -> w.put("B " + layer, b.clone()));
        return w;
    }

    private static FeatureDescriptor descriptorOf(ContinualLearner cl, String regime) {
        return cl.routedModel().router().descriptors().stream().filter(d -> d.name().equals(regime)).findFirst()
                .orElseThrow();
    }

    @Test
    void refiningRetrainsTheRegimesOwnAdapterOnItsGrownWindowAndRegistersARefineVersion() throws Exception {
        try (ContinualLearner cl = baseAndTinyAdapter(12)) {
            List<SegmentProbe> probes = List.of(new SegmentProbe("base", regime(false, 150, BALANCED, 70)),
                    new SegmentProbe("seg-1", regime(true, 150, BALANCED, 71)),
                    new SegmentProbe("seg-2", regime(true, 150, BALANCED, 72)));
            var serving = cl.predictProbes(SegmentProbe.samples(probes));
            List<Double> before = cl.evaluate(SegmentProbe.samples(probes), null).accuracies();
            Map<String, float[]> weightsBefore = weightsOf(cl, "seg-1");
            assertThat(descriptorOf(cl, "seg-1").count()).isEqualTo(12);

            JobRequested job = JobParametersTest.job(JobKind.REFINE, Map.of("regime", "seg-1", "rank", 2, "epochs",
                    10, "batchSize", 32, "learningRate", 1e-2));
            JobParameters params = JobParameters.of(job);
            JobRun run = new JobRun(job, params, () -> false, null, null, null, null, null);
            Regimes.requireOwnAdapter(cl, params.regime(), 2);
            LabeledData grown = regime(true, 400, BALANCED, 73);
            RefineHandler.refine(cl, params.regime(), grown, TrainAdapterHandler.options(params, cl.base().spec()),
                    TrainAdapterHandler.trainingConfig(run), TrainingListener.NONE);

            // the same name serves the same regime, with new weights and a descriptor fitted on the grown window
            assertThat(cl.adapters()).containsOnlyKeys("seg-1");
            assertThat(cl.regimeAdapterNames()).containsExactly(Map.entry("seg-1", "seg-1"));
            assertThat(cl.routedModel().router().regimeNames()).containsExactlyInAnyOrder("base", "seg-1");
            Map<String, float[]> weightsAfter = weightsOf(cl, "seg-1");
            assertThat(weightsAfter.keySet()).isEqualTo(weightsBefore.keySet());
            assertThat(weightsAfter).anySatisfy((k, w) -> assertThat(w).isNotEqualTo(weightsBefore.get(k)));
            assertThat(descriptorOf(cl, "seg-1").count()).isEqualTo(400);

            // a tiny first window left the regime poorly served: the grown window serves it better, the base as before
            ProbeReport report = cl.evaluate(SegmentProbe.samples(probes), serving);
            List<Double> after = report.accuracies();
            assertThat(after.get(2)).as("probe accuracies %s before, %s after", before, after)
                    .isGreaterThan(before.get(2));
            assertThat(after.get(1)).isGreaterThan(before.get(1));
            assertThat(after.get(0)).isGreaterThanOrEqualTo(before.get(0) - 0.02);

            VersionDraft draft = new VersionDraft("refine", 2, 2, probes, serving,
                    new VersionDraft.NewSegment(params.segment(), params.regime()), params.regime(), null, "refined");
            Map<String, Object> segments = VersionRequest.segments(parent(), job, draft);
            Map<String, Object> v = VersionRequest.of(job, draft, parent(), cl, segments, List.of(), null);
            assertThat(v).containsEntry("kind", "refine").containsEntry("parentVersion", 2).doesNotContainKey("merge");
            List<Map<String, Object>> adapters = (List<Map<String, Object>>) v.get("adapters");
            assertThat(adapters).singleElement().satisfies(a -> assertThat(a).containsEntry("name", "seg-1")
                    .containsEntry("rank", 2).containsEntry("segment", VersionRequest.window(job)));
            Map<String, Object> router = map(v.get("router"));
            assertThat(map(router.get("regimeAdapters"))).containsExactly(Map.entry("seg-1", "seg-1"));
            assertThat(map(map(router.get("segments")).get("seg-2"))).containsEntry("regime", "seg-1")
                    .containsEntry("partitions", List.of(Map.of("partition", 0, "fromOffset", 0L, "toOffset",
                            100L)));

            // the gate reads the regime's gain on the grown window's probe (the last row) from its flip rates
            Map<String, Object> evaluation = EvaluationReport.of(probes, report, 2, 0.1, cl, cl.base().spec(),
                    Set.of());
            Map<String, Object> last = ((List<Map<String, Object>>) evaluation.get("segments")).get(2);
            assertThat(last).containsEntry("segment", "seg-2");
            assertThat((double) last.get("positiveFlipRate") - (double) last.get("negativeFlipRate"))
                    .isCloseTo(after.get(2) - before.get(2), within(1e-9));

            // the refined version saves and loads as it serves
            Path dir = saved.resolve("refined");
            cl.save(dir);
            try (ContinualLearner reloaded = ContinualLearner.load(dir)) {
                assertThat(weightsOf(reloaded, "seg-1")).allSatisfy((k, w) -> assertThat(w)
                        .isEqualTo(weightsAfter.get(k)));
                assertThat(reloaded.evaluate(SegmentProbe.samples(probes), null).accuracies()).isEqualTo(after);
            }
        }
    }

    @Test
    void refiningDistilsFromTheServingVersionWithTheOldAdapterInPlace() {
        LabeledData grown = regime(true, 200, BALANCED, 81);
        JobRequested job = JobParametersTest.job(JobKind.REFINE, Map.of("regime", "seg-1", "rank", 2, "epochs", 1,
                "distillation", Map.of("weight", 1, "temperature", 2)));
        JobParameters params = JobParameters.of(job);
        TrainingConfig cfg = TrainAdapterHandler.trainingConfig(new JobRun(job, params, () -> false, null, null, null,
                null, null));
        float[] serving = Distillation.temperedSoftmax(learner.routedModel().logits(grown), CLASSES, 2.0);
        assertThat(RefineHandler.teacher(learner, grown, cfg)).containsExactly(serving);
        // the rows go to seg-1's old adapter (a few far ones fall back to the base): without it they would all be the
        // base's, which the shift fools
        assertThat(shareRoutedTo(grown, "seg-1")).isGreaterThan(0.9);
        assertThat(RefineHandler.teacher(learner, grown, run(JobKind.REFINE).trainingConfig())).isNull();

        var refined = RefineHandler.refine(learner, "seg-1", grown, TrainAdapterHandler.options(params,
                learner.base().spec()), cfg, TrainingListener.NONE);
        assertThat(refined.adapter()).isSameAs(learner.adapters().get("seg-1"));
        assertThat(refined.summary()).isNotNull();
    }

    private static JobRun run(JobKind kind) {
        JobRequested job = JobParametersTest.job(kind, Map.of("regime", "seg-1"));
        return new JobRun(job, JobParameters.of(job), () -> false, null, null, null, null, null);
    }

    @Test
    void refiningRefusesTheBaseUnknownArchivedAndMergedRegimesForGood() {
        assertThatThrownBy(() -> Regimes.requireOwnAdapter(learner, "base", 2))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("served by the frozen base");
        assertThatThrownBy(() -> Regimes.requireOwnAdapter(learner, "seg-9", 2))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("version 2 has no regime 'seg-9'");
        ArchiveHandler.archive(learner, List.of("seg-1"), 2);
        assertThatThrownBy(() -> Regimes.requireOwnAdapter(learner, "seg-1", 3))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("regime 'seg-1' of version 3 is archived");
        RestoreHandler.restore(learner, "seg-1");
        Regimes.requireOwnAdapter(learner, "seg-1", 4);

        TrainingConfig cfg = TrainingConfig.builder().optEpochs(1).optBatchSize(32).optSeed(3).build();
        learner.trainAdapter("seg-2", regime(true, 60, BALANCED, 91), new LoraOptions(2, 4, List.of(), 1), cfg,
                TrainingListener.NONE);
        learner.mergeRegimes("seg-3", List.of("seg-1", "seg-2"), MergeMethod.parse("ties"), MergeOptions.defaults(),
                2, 4);
        assertThatThrownBy(() -> Regimes.requireOwnAdapter(learner, "seg-2", 5))
                .isInstanceOfSatisfying(JobFailedException.class, ex -> assertThat(ex.retryable()).isFalse())
                .hasMessageContaining("served by the merged adapter 'seg-3'");
    }
}
