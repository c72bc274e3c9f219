package io.perennial.worker.job;

import io.perennial.contracts.events.JobEvents.JobKind;
import io.perennial.learning.ContinualLearner;
import io.perennial.learning.evaluation.Predictions;
import io.perennial.learning.merge.MergeMethod;
import io.perennial.learning.merge.MergeOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code MERGE}: the adapters serving the {@code sources} regimes of the serving version merged into one adapter
 * that serves all of them. Reads no samples but the earlier segments' probes.
 */
@Component
class MergeHandler implements JobHandler {

    private final VersionRegistration registration;

    MergeHandler(VersionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public JobKind kind() {
        return JobKind.MERGE;
    }

    @Override
    public JobOutcome run(JobRun run) {
        JobParameters params = run.params();
        if (params.sources().isEmpty()) {
            throw JobFailedException.permanent("malformed job: a merge names its source regimes in 'sources'");
        }
        run.family();
        var probes = run.requireEarlierProbes();
        int serving = run.requireProduction("merge");
        try (ContinualLearner learner = run.load(serving)) {
            List<Predictions> servingPredictions = learner.predictProbes(SegmentProbe.samples(probes));
            Map<String, String> before = learner.regimeAdapterNames();
            Map<String, String> mergedFrom = new LinkedHashMap<>();
            for (String regime : params.sources()) {
                mergedFrom.put(regime, before.get(regime));
            }
            run.phase("merging " + params.sources() + " with " + params.method());
            try {
                MergeOptions defaults = MergeOptions.defaults();
                learner.mergeRegimes(params.segment(), params.sources(), MergeMethod.parse(params.method()),
                        new MergeOptions(0, params.density(), defaults.dropRate(), params.seed(),
                                defaults.breadcrumbsTop(), defaults.breadcrumbsBottom()), params.rank(),
                        params.alpha());
            } catch (IllegalArgumentException ex) {
                throw JobFailedException.permanent("cannot merge " + params.sources() + ": " + ex.getMessage(), ex);
            }
            List<Map<String, Object>> sources = new ArrayList<>();
            new LinkedHashSet<>(mergedFrom.values()).forEach(a -> sources.add(Map.of("version", serving,
                    "adapter", a)));
            Map<String, Object> recipe = Map.of("method", params.method(), "density", params.density(), "seed",
                    params.seed(), "sources", sources);
            VersionDraft draft = new VersionDraft("merge", serving, serving, probes, servingPredictions, null, null,
                    new VersionDraft.Merge(recipe, new LinkedHashSet<>(mergedFrom.values())),
                    "adapters of " + params.sources() + " merged (" + params.method() + ") into " + params.segment()
                            + " by " + run.worker());
            return JobOutcome.registered(registration.register(run, learner, draft));
        }
    }
}
