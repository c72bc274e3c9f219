package io.perennial.drift.monitor;

import io.perennial.contracts.events.DriftEvents;
import io.perennial.contracts.events.DriftEvents.Severity;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.SampleEvents.LabelAssigned;
import io.perennial.contracts.events.SampleEvents.PredictionServed;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.drift.detector.Decision;
import io.perennial.drift.detector.DetectorResult;
import io.perennial.drift.detector.monitor.MonitorSettings;
import io.perennial.drift.detector.monitor.WindowMonitor;
import io.perennial.drift.detector.sequential.Adwin;
import io.perennial.drift.detector.sequential.Cooldown;
import io.perennial.drift.detector.sequential.Ddm;
import io.perennial.drift.detector.sequential.HddmA;
import io.perennial.drift.detector.sequential.CalibratedPageHinkley;
import io.perennial.drift.detector.sequential.SequentialDetector;
import io.perennial.drift.stream.MonitoredStream;
import io.perennial.drift.stream.MonitoredStreamRepository;
import io.perennial.support.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The monitors of every stream this instance consumes: features (and labels) from the samples topic, the serving
 * model's confidence and predicted classes from {@code perennial.predictions}, and its errors where a prediction meets
 * a label. Each evaluation is stored; an alarm is stored and published through the outbox in the same transaction,
 * together with the monitor's checkpoint, so a restarted instance neither repeats nor loses it.
 */
@Service
public class StreamMonitors {

    private static final Logger log = LoggerFactory.getLogger(StreamMonitors.class);
    private static final int CATEGORIES = 256;
    private static final int JOIN_CAPACITY = 100_000;
    private static final int REORDER_CAPACITY = 10_000;
    private static final long REORDER_WAIT_NANOS = 2_000_000_000L;
    /** Samples held while a promoted reference loads before giving up on it (the partitions are paused meanwhile). */
    private static final int HOLD_CAPACITY = 10_000;

    private final DriftRepository repository;
    private final MonitoredStreamRepository catalogue;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> assigned = new ConcurrentHashMap<>();
    /** Seeks back on the feedback topics that restored streams wait for ("topic:partition" to offset). */
    private final Map<String, Long> feedbackSeeks = new HashMap<>();

    public StreamMonitors(DriftRepository repository, MonitoredStreamRepository catalogue, Outbox outbox,
            TransactionTemplate transactions) {
        this.repository = repository;
        this.catalogue = catalogue;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    /** Where a sample sits: its samples-topic partition and offset, and its label once known. */
    private static final class Joined {
        String id;
        int partition = -1;
        long offset = -1;
        int label = -1;
        int predicted = -1;
        boolean scored;
        /** Whether the prediction / the label was replayed from before the restored checkpoint. */
        boolean predictionQuiet;
        boolean labelQuiet;
    }

    /** A sample waiting in the reorder buffer. */
    private record Pending(int partition, long offset, long timestamp, Sample sample, long arrivedNanos) {
    }

    /** One stream's monitors, guarded by its own lock. */
    final class Holder {
        final Map<Integer, ArrayDeque<Pending>> queues = new TreeMap<>();
        final Set<Integer> partitions = new TreeSet<>();
        int buffered;
        final String stream;
        DetectorConfig config;
        ReferenceSource source;
        /** A promotion whose reference is loading: samples are held, not tested, until it is installed. */
        DriftRepository.ReferenceRequest promotion;
        /** The last promotion handled, so a request read just before it was closed is not started twice. */
        UUID handledPromotion;
        WindowMonitor features;
        WindowMonitor predictions;
        SequentialDetector errors;
        final List<String> labels = new ArrayList<>();
        final Map<String, Integer> labelIndex = new HashMap<>();
        Map<Integer, Long> replayUntil = Map.of();
        long lastEvaluationNanos = System.nanoTime();
        long errorCount;
        /** Errors scored since this holder was built: the ring below holds only these after a restore. */
        long errorsHere;
        FeedbackPositions feedback;
        final long[] errorPositions = new long[16_384];
        final double[] errorValues = new double[16_384];
        final LinkedHashMap<String, Joined> joins = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Joined> eldest) {
                return size() > JOIN_CAPACITY;
            }
        };

        Holder(String stream, DetectorConfig config) {
            this.stream = stream;
            this.config = config;
        }

        int label(String name) {
            if (name == null) {
                return -1;
            }
            Integer i = labelIndex.get(name);
            if (i == null) {
                if (labels.size() >= CATEGORIES) {
                    return -1;
                }
                i = labels.size();
                labels.add(name);
                labelIndex.put(name, i);
            }
            return i;
        }

        Joined join(String sampleId) {
            return joins.computeIfAbsent(sampleId, k -> {
                Joined j = new Joined();
                j.id = k;
                return j;
            });
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Loads (or creates) the monitors of a stream whose samples partitions were just assigned, and returns per
     * partition the offset to seek to so that the current window is rebuilt from Kafka; empty when the stream is
     * already live in this instance.
     */
    public Map<Integer, Long> onAssigned(String stream, Collection<Integer> partitions) {
        assigned.computeIfAbsent(stream, k -> ConcurrentHashMap.newKeySet()).addAll(partitions);
        Holder live = holders.get(stream);
        if (live != null) {
            synchronized (live) {
                live.partitions.addAll(partitions);
            }
            return Map.of();
        }
        Holder h = load(stream, -1);
        if (h == null) {
            return Map.of();
        }
        synchronized (h) {
            h.partitions.addAll(partitions);
            return seekTargets(h);
        }
    }

    /** Forgets the monitors of these streams (their partitions were revoked). */
    public void forget(Collection<String> streams) {
        for (String stream : streams) {
            Holder h = holders.remove(stream);
            assigned.remove(stream);
            if (h != null) {
                synchronized (h) {
                    h.queues.clear();
                    h.buffered = 0;
                }
            }
        }
    }

    /**
     * Forgets the monitors of streams not among {@code streams} (called with the full assignment after a rebalance):
     * another instance may advance them, so they must be rebuilt from the stored state if they come back.
     */
    public void retainOnly(Collection<String> streams) {
        for (String stream : List.copyOf(holders.keySet())) {
            if (!streams.contains(stream)) {
                Holder h = holders.remove(stream);
                assigned.remove(stream);
                log.info("stream {} is no longer consumed here; its monitor will be rebuilt if it returns", stream);
                if (h != null) {
                    synchronized (h) {
                        h.queues.clear();
                        h.buffered = 0;
                    }
                }
            }
        }
    }

    /** Partitions of a stream this instance no longer consumes: the reorder buffer stops waiting for them. */
    public void onRevoked(String stream, Collection<Integer> partitions) {
        Set<Integer> mine = assigned.get(stream);
        if (mine != null) {
            mine.removeAll(partitions);
        }
        Holder h = holders.get(stream);
        if (h != null) {
            synchronized (h) {
                h.partitions.removeAll(partitions);
            }
        }
    }

    private Map<Integer, Long> seekTargets(Holder h) {
        Optional<DriftRepository.State> state = repository.state(h.stream);
        if (state.isEmpty()) {
            return Map.of();
        }
        DriftRepository.State s = state.get();
        Map<Integer, Long> seek = new TreeMap<>();
        switch (s.phase()) {
            case REFERENCE -> seek.putAll(s.referenceFrom());
            case COOLDOWN -> seek.putAll(s.checkpoint());
            default -> {
                long window = h.config.windowSize();
                for (Map.Entry<Integer, Long> e : s.checkpoint().entrySet()) {
                    long from = Math.max(0, e.getValue() - window);
                    seek.put(e.getKey(), Math.max(from, s.monitorFrom().getOrDefault(e.getKey(), 0L)));
                }
                h.replayUntil = Map.copyOf(s.checkpoint());
            }
        }
        return seek;
    }

    private Holder holder(String stream, int dimension) {
        Holder h = holders.get(stream);
        return h != null ? h : load(stream, dimension);
    }

    /** Builds a holder from the stored state, the stream definition, or the first sample's shape. */
    private synchronized Holder load(String stream, int dimensionHint) {
        Holder existing = holders.get(stream);
        if (existing != null) {
            return existing;
        }
        DetectorConfig config = repository.config(stream).orElse(DetectorConfig.defaults());
        Optional<DriftRepository.State> state = repository.state(stream);
        Optional<StreamSpec> spec = catalogue.list().stream().filter(m -> m.name().equals(stream))
                .map(MonitoredStream::spec).findFirst();
        int dimension = state.map(DriftRepository.State::dimension)
                .orElseGet(() -> spec.map(StreamSpec::featureCount).orElse(dimensionHint));
        if (dimension < 1) {
            return null;
        }
        Holder h = new Holder(stream, config);
        h.source = state.map(DriftRepository.State::source).orElseGet(() -> ReferenceSource.nextSamples(
                clock.instant()));
        h.partitions.addAll(assigned.getOrDefault(stream, Set.of()));
        Optional<DriftRepository.FeedbackState> feedback = repository.feedbackState(stream);
        // both rows keep the same append-only list of category names; the longer one is the newer
        List<String> names = state.map(DriftRepository.State::labels).orElse(List.of());
        if (feedback.isPresent() && feedback.get().labels().size() > names.size()) {
            names = feedback.get().labels();
        }
        names.forEach(h::label);
        if (state.isEmpty() && feedback.isEmpty()) {
            spec.ifPresent(sp -> sp.labels().forEach(h::label));
        }
        h.features = new WindowMonitor(config.settings(dimension, CATEGORIES));
        state.ifPresent(s -> h.features.restore(s.phase(), s.reference(), s.referenceLabels(), s.cooldownLeft(),
                s.seen(), s.referenceFrom(), s.monitorFrom()));
        h.predictions = new WindowMonitor(new MonitorSettings(1, config.referenceSize(), config.windowSize(),
                config.evaluateEvery(), config.alpha(), config.settings(1, 0).correction(), Set.of("ks", "chi2"),
                config.minSamples(), config.rebaseline(), config.cooldown(), config.resolveAlpha(), CATEGORIES, 8,
                42L));
        h.errors = errorDetector(config);
        h.feedback = new FeedbackPositions(config.windowSize(), JOIN_CAPACITY);
        feedback.ifPresent(f -> restoreFeedback(h, f));
        holders.put(stream, h);
        return h;
    }

    /**
     * Resumes the prediction monitor and the error detector from their checkpoint and asks the feedback consumer to
     * seek back to where the current prediction window and the joins still waiting began; what lies before the
     * checkpoint is replayed without evaluation.
     */
    private void restoreFeedback(Holder h, DriftRepository.FeedbackState f) {
        h.predictions.restore(f.predictionPhase(), f.predictionReference(), f.predictionReferenceLabels(),
                f.predictionCooldownLeft(), f.predictionsSeen(), f.predictionReferenceFrom(),
                f.predictionMonitorFrom());
        if (h.errors != null && f.errorState() != null && h.errors.name().equals(f.errorDetector())) {
            h.errors.restore(f.errorState());
            h.errorCount = f.errorCount();
        }
        boolean testing = f.predictionPhase() == WindowMonitor.Phase.MONITORING
                || f.predictionPhase() == WindowMonitor.Phase.ALARMED;
        Map<String, Long> seeks = h.feedback.restore(f, testing);
        synchronized (feedbackSeeks) {
            seeks.forEach((k, v) -> feedbackSeeks.merge(k, v, Math::min));
        }
        log.info("stream {}: feedback monitors restored ({} predictions, {} errors scored); replaying from {}",
                h.stream, f.predictionsSeen(), f.errorCount(), seeks);
    }

    /**
     * Takes the seeks back that restored streams wait for on these feedback partitions ("topic:partition" keys,
     * topic {@link FeedbackPositions#PREDICTIONS} or {@link FeedbackPositions#LABELS}). The caller, the feedback
     * consumer's thread, seeks at once and drops what it fetched before for those partitions.
     */
    Map<String, Long> takeFeedbackSeeks(Set<String> partitions) {
        Map<String, Long> taken = new HashMap<>();
        synchronized (feedbackSeeks) {
            for (String key : partitions) {
                Long target = feedbackSeeks.remove(key);
                if (target != null) {
                    taken.put(key, target);
                }
            }
            if (!taken.isEmpty()) {
                for (Holder h : holders.values()) {
                    for (String key : taken.keySet()) {
                        int colon = key.indexOf(':');
                        h.feedback.seekApplied(Integer.parseInt(key.substring(0, colon)),
                                Integer.parseInt(key.substring(colon + 1)));
                    }
                }
            }
        }
        return taken;
    }

    /** A feedback record went by (of any stream): the streams monitored here have nothing before it. */
    void feedbackPassed(int topic, int partition, long offset) {
        for (Holder h : holders.values()) {
            h.feedback.advance(topic, partition, offset);
        }
    }

    /**
     * The error-stream detector, wrapped in a cooldown so one change gives one alarm. Page-Hinkley calibrates itself
     * on the first 1000 errors of each regime to the run length the window tests' level implies,
     * {@code evaluateEvery / alpha} values between false alarms.
     */
    static SequentialDetector errorDetector(DetectorConfig config) {
        int cooldown = config.cooldown();
        SequentialDetector d = switch (config.errorDetector()) {
            case "adwin" -> Adwin.withDelta(0.002);
            case "ddm" -> Ddm.defaults();
            case "page-hinkley" -> new CalibratedPageHinkley(1000, config.evaluateEvery() / config.alpha(), 0.01, 42);
            case "hddm-a" -> new HddmA(0.001);
            default -> null;
        };
        return d == null ? null : new Cooldown(d, cooldown);
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Feeds one sample of a samples topic. Samples of a stream's partitions are merged in timestamp order (a partition
     * consumed ahead of the others would otherwise look like a shift and back): a sample is released once every
     * assigned partition has one waiting, or when it waited two seconds, or the buffer holds 10,000.
     *
     * @param timestamp the sample's event time in epoch microseconds (ties are broken by offset, then partition)
     */
    public void onSample(String stream, int partition, long offset, long timestamp, Sample sample) {
        float[] x = sample.features();
        if (x == null) {
            return;
        }
        Holder h = holder(stream, x.length);
        if (h == null) {
            return;
        }
        synchronized (h) {
            h.partitions.add(partition);
            h.queues.computeIfAbsent(partition, p -> new ArrayDeque<>())
                    .add(new Pending(partition, offset, timestamp, sample, System.nanoTime()));
            h.buffered++;
            drain(h, false);
        }
    }

    private void drain(Holder h, boolean force) {
        if (h.promotion != null) {
            if (h.buffered <= HOLD_CAPACITY) {
                return; // the samples after a promotion wait for the promoted version's reference
            }
            fallBackLocked(h, fallbackSource(h.promotion, "buffer-full", h.buffered
                    + " samples arrived while the promoted reference was loading"));
        }
        while (h.buffered > 0) {
            boolean allReady = true;
            Pending best = null;
            for (int p : h.partitions) {
                ArrayDeque<Pending> q = h.queues.get(p);
                if (q == null || q.isEmpty()) {
                    allReady = false;
                }
            }
            for (ArrayDeque<Pending> q : h.queues.values()) {
                Pending head = q.peek();
                if (head != null && (best == null || head.timestamp() < best.timestamp()
                        || (head.timestamp() == best.timestamp() && (head.offset() < best.offset()
                        || (head.offset() == best.offset() && head.partition() < best.partition()))))) {
                    best = head;
                }
            }
            if (best == null) {
                return;
            }
            if (!allReady && !force && h.buffered <= REORDER_CAPACITY
                    && System.nanoTime() - best.arrivedNanos() < REORDER_WAIT_NANOS) {
                return;
            }
            h.queues.get(best.partition()).poll();
            h.buffered--;
            process(h, best.partition(), best.offset(), best.sample());
        }
    }

    private void process(Holder h, int partition, long offset, Sample sample) {
        String stream = h.stream;
        float[] x = sample.features();
        WindowMonitor m = h.features;
        if (x.length != m.settings().dimension()) {
            log.debug("stream {}: sample {} has {} features, expected {}", stream, sample.id(), x.length,
                    m.settings().dimension());
            return;
        }
        int label = h.label(sample.label());
        Joined j = h.join(sample.id());
        j.partition = partition;
        j.offset = offset;
        if (label >= 0) {
            j.label = label;
            j.labelQuiet |= h.feedback.sampleRestored(partition, offset);
        }
        Long until = h.replayUntil.get(partition);
        if (until != null && offset < until) {
            m.addQuietly(x, label, partition, offset);
            score(h, j);
            return;
        }
        Long next = m.nextOffsets().get(partition);
        if (next != null && offset < next) {
            return; // redelivered after a rebalance: already counted
        }
        WindowMonitor.Phase before = m.phase();
        int referenceBefore = m.referenceCount();
        WindowMonitor.Evaluation e = m.add(x, label, partition, offset);
        if (e != null) {
            h.lastEvaluationNanos = System.nanoTime();
            persist(h, "feature", e, before);
        } else if (m.phase() != before || (m.phase() == WindowMonitor.Phase.REFERENCE
                && referenceBefore % h.config.evaluateEvery() == 0 && m.referenceCount() > referenceBefore)) {
            saveState(h, before);
        }
        score(h, j);
    }

    /**
     * Feeds one served prediction, at this partition and offset of {@code perennial.predictions}. One from before the
     * restored checkpoint only rebuilds the current prediction window and the joins waiting for a label.
     */
    public void onPrediction(PredictionServed p, int topicPartition, long topicOffset) {
        Holder h = holders.get(p.stream());
        if (h == null) {
            return;
        }
        synchronized (h) {
            Boolean quiet = h.feedback.accept(FeedbackPositions.PREDICTIONS, topicPartition, topicOffset);
            if (quiet == null) {
                return;
            }
            Joined j = h.join(p.sampleId());
            int cls = h.label(p.predictedLabel());
            j.predicted = cls;
            j.predictionQuiet |= quiet;
            int partition = j.partition;
            float[] x = {(float) p.confidence()};
            long offset = partition >= 0 ? j.offset : topicOffset;
            if (quiet) {
                if (h.feedback.inWindow(topicPartition, topicOffset)) {
                    h.predictions.addQuietly(x, cls, partition, offset);
                    h.feedback.fed(topicPartition, topicOffset);
                }
            } else {
                WindowMonitor.Phase before = h.predictions.phase();
                WindowMonitor.Evaluation e = h.predictions.add(x, cls, partition, offset);
                if (before != WindowMonitor.Phase.COOLDOWN && before != WindowMonitor.Phase.REFERENCE) {
                    h.feedback.fed(topicPartition, topicOffset);
                }
                if (e != null) {
                    persist(h, "prediction", e, null);
                }
            }
            if (!j.scored && j.label < 0 && h.errors != null) {
                h.feedback.pending(FeedbackPositions.PREDICTIONS, p.sampleId(), topicPartition, topicOffset);
            }
            score(h, j);
        }
    }

    /** Feeds one late label, at this partition and offset of {@code perennial.labels}. */
    public void onLabel(LabelAssigned l, int topicPartition, long topicOffset) {
        Holder h = holders.get(l.stream());
        if (h == null) {
            return;
        }
        synchronized (h) {
            Boolean quiet = h.feedback.accept(FeedbackPositions.LABELS, topicPartition, topicOffset);
            if (quiet == null) {
                return;
            }
            Joined j = h.join(l.sampleId());
            j.label = h.label(l.label());
            j.labelQuiet |= quiet;
            if (!j.scored && j.predicted < 0 && h.errors != null) {
                h.feedback.pending(FeedbackPositions.LABELS, l.sampleId(), topicPartition, topicOffset);
            }
            score(h, j);
        }
    }

    private void score(Holder h, Joined j) {
        if (h.errors == null || j.scored || j.label < 0 || j.predicted < 0) {
            return;
        }
        j.scored = true;
        h.feedback.joined(j.id);
        if (j.predictionQuiet && j.labelQuiet) {
            return; // both halves came before the restored checkpoint: this error is already in the detector
        }
        double error = j.label == j.predicted ? 0 : 1;
        h.errorPositions[(int) (h.errorCount % h.errorPositions.length)] =
                j.partition < 0 ? -1 : ((long) j.partition << 40) | j.offset;
        h.errorValues[(int) (h.errorCount % h.errorValues.length)] = error;
        h.errorCount++;
        h.errorsHere++;
        boolean alarm = h.errors.update(error);
        boolean due = h.errorCount % h.config.evaluateEvery() == 0;
        if (!alarm && !due) {
            return;
        }
        SequentialDetector d = h.errors;
        DetectorResult r = new DetectorResult(d.name(), alarm ? Decision.DRIFT : Decision.STABLE, d.statistic(),
                Double.NaN, d.threshold(), -1);
        Map<Integer, Long> start = new TreeMap<>();
        if (alarm) {
            // the change point among the recent errors: a window of a few times the detector's own lag estimate,
            // the old error rate taken from its first quarter
            int ring = h.errorPositions.length;
            int span = (int) Math.min(Math.min(h.errorsHere, ring), Math.max(200, 4 * Math.max(1, d.changeLag())));
            double[] recent = new double[span];
            for (int i = 0; i < span; i++) {
                recent[i] = h.errorValues[(int) ((h.errorCount - span + i) % ring)];
            }
            double before = 0;
            int quarter = Math.max(1, span / 4);
            for (int i = 0; i < quarter; i++) {
                before += recent[i];
            }
            before /= quarter;
            double sd = Math.max(0.05, Math.sqrt(before * (1 - before)));
            int cut = io.perennial.drift.detector.monitor.ChangePoint.estimate(recent, span, before, sd);
            for (long k = h.errorCount - span + cut; k < h.errorCount; k++) {
                long pos = h.errorPositions[(int) (k % h.errorPositions.length)];
                if (pos >= 0) {
                    start.putIfAbsent((int) (pos >>> 40), pos & ((1L << 40) - 1));
                }
            }
        }
        try {
            transactions.executeWithoutResult(status -> {
                repository.insertEvaluation(h.stream, "error", r, h.errorCount);
                if (alarm) {
                    alarm(h.stream, "error", r, start);
                }
                repository.saveFeedbackState(feedbackState(h));
            });
        } catch (RuntimeException ex) {
            holders.remove(h.stream);
            throw ex;
        }
    }

    // ---------------------------------------------------------------- persistence

    private void persist(Holder h, String kind, WindowMonitor.Evaluation e, WindowMonitor.Phase before) {
        try {
            transactions.executeWithoutResult(status -> {
                repository.insertEvaluations(h.stream, kind, e);
                if (e.alarm()) {
                    alarm(h.stream, kind, e.trigger(), e.startOffsets());
                    if ("feature".equals(kind) && h.config.rebaseline()) {
                        h.source = ReferenceSource.nextSamples(clock.instant());
                    }
                }
                if (e.resolved()) {
                    outbox.append(EventTypes.DRIFT_RESOLVED, h.stream, new DriftEvents.DriftResolved(h.stream,
                            kind, clock.instant()));
                }
                if ("feature".equals(kind)) {
                    repository.saveState(state(h), false);
                }
                repository.saveFeedbackState(feedbackState(h));
            });
        } catch (RuntimeException ex) {
            // the monitor already moved on in memory; forget it so it is rebuilt from the last stored checkpoint
            holders.remove(h.stream);
            throw ex;
        }
    }

    private void alarm(String stream, String kind, DetectorResult r, Map<Integer, Long> startOffsets) {
        Severity severity = severity(r);
        Instant now = clock.instant();
        UUID id = outbox.append(EventTypes.DRIFT_DETECTED, stream, new DriftEvents.DriftDetected(stream,
                r.detector(), kind, r.statistic(), r.pValueOrNull(), r.threshold(), severity, startOffsets, now));
        repository.insertAlarm(new DriftRepository.Alarm(id, stream, r.detector(), kind, r.statistic(),
                r.pValueOrNull(), r.threshold(), severity.name(), startOffsets, now));
        log.info("drift on stream {}: {} ({}) statistic {} p {} start {}", stream, r.detector(), kind,
                r.statistic(), r.pValueOrNull(), startOffsets);
    }

    /** HIGH at a p-value a thousand times below the level, MEDIUM ten times below, else LOW. */
    static Severity severity(DetectorResult r) {
        double ratio = Double.isNaN(r.pValue()) ? r.threshold() / Math.max(Math.abs(r.statistic()), 1e-300)
                : r.pValue() / r.threshold();
        if (ratio <= 1e-3) {
            return Severity.HIGH;
        }
        return ratio <= 1e-1 ? Severity.MEDIUM : Severity.LOW;
    }

    private void saveState(Holder h, WindowMonitor.Phase before) {
        boolean frozen = before == WindowMonitor.Phase.REFERENCE && h.features.phase() == WindowMonitor.Phase.MONITORING;
        boolean collecting = h.features.phase() == WindowMonitor.Phase.REFERENCE;
        transactions.executeWithoutResult(status -> {
            repository.saveState(state(h), frozen || collecting);
            repository.saveFeedbackState(feedbackState(h));
        });
    }

    /** The feedback monitors' checkpoint: always with the prediction reference (one confidence and class each). */
    private DriftRepository.FeedbackState feedbackState(Holder h) {
        WindowMonitor m = h.predictions;
        int windowCount = m.currentCount();
        return new DriftRepository.FeedbackState(h.stream, List.copyOf(h.labels), m.phase(), m.referenceRows(),
                m.referenceLabels(), m.referenceStart(), m.monitorStart(), m.seen(), m.cooldownLeft(),
                h.errors == null ? null : h.errors.name(), h.errors == null ? null : h.errors.state(), h.errorCount,
                h.feedback.position(FeedbackPositions.PREDICTIONS),
                h.feedback.replayFrom(FeedbackPositions.PREDICTIONS, windowCount), h.feedback.windowFrom(windowCount),
                h.feedback.position(FeedbackPositions.LABELS), h.feedback.replayFrom(FeedbackPositions.LABELS, 0),
                h.feedback.samplesPosition(h.features.nextOffsets()));
    }

    private DriftRepository.State state(Holder h) {
        WindowMonitor m = h.features;
        boolean collecting = m.phase() == WindowMonitor.Phase.REFERENCE;
        return new DriftRepository.State(h.stream, m.phase(), m.settings().dimension(), List.copyOf(h.labels),
                collecting ? new float[0] : m.referenceRows(), collecting ? new int[0] : m.referenceLabels(),
                m.referenceStart(), m.monitorStart(), m.nextOffsets(), m.seen(), m.cooldownLeft(), h.source);
    }

    // ---------------------------------------------------------------- time-based evaluation and operations

    /** Evaluates streams whose {@code evaluateIntervalSeconds} elapsed with new samples. */
    @Scheduled(fixedDelayString = "${perennial.drift.tick:1000}")
    public void evaluateByTime() {
        for (Holder h : holders.values()) {
            synchronized (h) {
                drain(h, false);
            }
            int seconds = h.config.evaluateIntervalSeconds();
            if (seconds <= 0 || System.nanoTime() - h.lastEvaluationNanos < seconds * 1_000_000_000L) {
                continue;
            }
            synchronized (h) {
                if (h.promotion != null) {
                    continue;
                }
                WindowMonitor.Phase before = h.features.phase();
                WindowMonitor.Evaluation e = h.features.evaluateIfPending();
                h.lastEvaluationNanos = System.nanoTime();
                if (e != null) {
                    persist(h, "feature", e, before);
                }
            }
        }
    }

    /** Discards a stream's reference (and any promotion still loading); the next samples form a new one. */
    public void resetReference(String stream) {
        Holder h = holders.get(stream);
        if (h == null) {
            transactions.executeWithoutResult(status -> {
                repository.deleteState(stream);
                repository.deleteFeedbackState(stream);
                repository.deleteRequest(stream);
            });
            return;
        }
        synchronized (h) {
            h.promotion = null;
            drain(h, true);
            resetLocked(h, ReferenceSource.nextSamples(clock.instant()));
            transactions.executeWithoutResult(status -> {
                repository.deleteRequest(stream);
                repository.saveState(state(h), true);
                repository.saveFeedbackState(feedbackState(h));
            });
        }
    }

    private void resetLocked(Holder h, ReferenceSource source) {
        h.features.resetReference();
        restartFeedbackMonitors(h);
        h.replayUntil = Map.of();
        h.source = source;
    }

    // ---------------------------------------------------------------- promoted references

    /**
     * What loading a promoted reference needs to know about a stream monitored here.
     *
     * @param partitions the samples partitions this instance consumes for the stream (paused while it loads)
     */
    public record ReferenceNeeds(int dimension, int referenceSize, int minSamples, Set<Integer> partitions) {
    }

    /**
     * Starts a promotion: from now on the stream's samples are held (not tested) until
     * {@link #installReference} or {@link #fallBack} with the same request.
     *
     * @return empty when the stream is not monitored here, or this request is already loading
     */
    public Optional<ReferenceNeeds> beginPromotion(DriftRepository.ReferenceRequest request) {
        Holder h = holders.get(request.stream());
        if (h == null) {
            return Optional.empty();
        }
        synchronized (h) {
            if (request.id().equals(h.handledPromotion)
                    || (h.promotion != null && h.promotion.id().equals(request.id()))) {
                return Optional.empty();
            }
            h.promotion = request;
            log.info("stream {}: {} v{} is production; holding samples while its training segment is read",
                    request.stream(), request.model(), request.version());
            return Optional.of(new ReferenceNeeds(h.features.settings().dimension(), h.config.referenceSize(),
                    h.config.minSamples(), Set.copyOf(h.partitions)));
        }
    }

    /**
     * Installs a promoted version's training data as the frozen reference; the held samples (those that arrived
     * after the promotion) are then tested against it. The reference, its source and the closing of the request
     * commit together.
     *
     * @param rows row-major reference rows, every one finite and of the stream's dimension
     * @param labels the label of each row, or null
     * @param from per partition, the first offset of the rows
     * @return false when the stream is no longer monitored here or another promotion or a reset replaced this one
     */
    public boolean installReference(DriftRepository.ReferenceRequest request, float[] rows, List<String> labels,
            Map<Integer, Long> from, ReferenceSource source) {
        return endPromotion(request, h -> {
            int[] labelIndex = labels.stream().mapToInt(h::label).toArray();
            restartFeedbackMonitors(h);
            h.source = source;
            int n = h.features.installReference(rows, labelIndex, from);
            h.promotion = null;
            commitPromotion(h, request);
            log.info("stream {}: reference is {} samples of segment {} of {} v{} (offsets {} to {})", h.stream, n,
                    source.segment(), request.model(), request.version(), source.fromOffsets(), source.toOffsets());
        });
    }

    /**
     * Gives up on a promotion's segment: the next samples (starting with those held) form the reference, as after
     * a reset, and the reason is kept in the stream's status.
     *
     * @return false when the stream is no longer monitored here or this promotion was replaced
     */
    public boolean fallBack(DriftRepository.ReferenceRequest request, ReferenceSource source) {
        return endPromotion(request, h -> fallBackLocked(h, source));
    }

    /**
     * Ends a promotion without touching the feature monitor's reference (it already follows a newer regime than the
     * promoted version's, or the version names no segment to take one from); the prediction and error monitors
     * start again for the new version. The reason is kept in the stream's status.
     *
     * @return false when the stream is no longer monitored here or this promotion was replaced
     */
    public boolean keepReference(DriftRepository.ReferenceRequest request, ReferenceSource note) {
        return endPromotion(request, h -> {
            h.promotion = null;
            restartFeedbackMonitors(h);
            h.source = note;
            commitPromotion(h, request);
            log.info("stream {}: {} v{} is production; its reference is kept: {}", h.stream, request.model(),
                    request.version(), note.detail());
        });
    }

    /**
     * Ends the promotion {@code request} of a stream monitored here with {@code outcome} (under the stream's lock),
     * then lets the held samples through.
     *
     * @return false when the stream is no longer monitored here or this promotion was replaced
     */
    private boolean endPromotion(DriftRepository.ReferenceRequest request, Consumer<Holder> outcome) {
        Holder h = holders.get(request.stream());
        if (h == null) {
            return false;
        }
        synchronized (h) {
            if (h.promotion == null || !h.promotion.id().equals(request.id())) {
                return false;
            }
            outcome.accept(h);
            drain(h, false);
            return true;
        }
    }

    /** The predictions and errors to come are a new version's: their monitors start again. */
    private static void restartFeedbackMonitors(Holder h) {
        h.predictions.resetReference();
        if (h.errors != null) {
            h.errors.reset();
        }
    }

    private void fallBackLocked(Holder h, ReferenceSource source) {
        DriftRepository.ReferenceRequest request = h.promotion;
        h.promotion = null;
        resetLocked(h, source);
        commitPromotion(h, request);
        log.warn("stream {}: the reference of {} v{} falls back to the next samples: {} ({})", h.stream,
                request.model(), request.version(), source.fallback(), source.detail());
    }

    private void commitPromotion(Holder h, DriftRepository.ReferenceRequest request) {
        h.handledPromotion = request.id();
        try {
            transactions.executeWithoutResult(status -> {
                // false when a newer promotion is already stored: the next tick installs that one over this
                repository.completeRequest(h.stream, request.id());
                repository.saveState(state(h), true);
                repository.saveFeedbackState(feedbackState(h));
            });
        } catch (RuntimeException ex) {
            holders.remove(h.stream);
            throw ex;
        }
    }

    /** A fallback to the next samples for a promotion, with its reason. */
    public ReferenceSource fallbackSource(DriftRepository.ReferenceRequest request, String reason, String detail) {
        return new ReferenceSource(ReferenceSource.NEXT_SAMPLES, request.model(), request.version(), null, null, null,
                reason, detail, clock.instant());
    }

    /** Applies a new configuration: the monitors restart with a fresh reference. */
    public void reconfigure(String stream, DetectorConfig config) {
        Holder h = holders.get(stream);
        if (h == null) {
            return;
        }
        synchronized (h) {
            int d = h.features.settings().dimension();
            h.config = config;
            h.features = new WindowMonitor(config.settings(d, CATEGORIES));
            h.predictions = new WindowMonitor(new MonitorSettings(1, config.referenceSize(), config.windowSize(),
                    config.evaluateEvery(), config.alpha(), config.settings(1, 0).correction(), Set.of("ks", "chi2"),
                    config.minSamples(), config.rebaseline(), config.cooldown(), config.resolveAlpha(), CATEGORIES,
                    8, 42L));
            h.errors = errorDetector(config);
            h.feedback = new FeedbackPositions(config.windowSize(), JOIN_CAPACITY);
            h.replayUntil = Map.of();
            h.promotion = null;
            h.source = ReferenceSource.nextSamples(clock.instant());
            transactions.executeWithoutResult(status -> {
                repository.deleteState(stream);
                repository.deleteFeedbackState(stream);
                repository.deleteRequest(stream);
            });
        }
    }

    /** A stream's live status, or empty when this instance does not monitor it. */
    public Optional<Status> status(String stream) {
        Holder h = holders.get(stream);
        if (h == null) {
            return Optional.empty();
        }
        synchronized (h) {
            WindowMonitor m = h.features;
            return Optional.of(new Status(stream, m.phase().name(), m.settings().dimension(), m.referenceCount(),
                    m.currentCount(), m.seen(), m.labelTestActive(), m.levels(), h.predictions.seen(), h.errorCount,
                    h.errors == null ? null : h.errors.name(), h.source, h.promotion));
        }
    }

    /**
     * Live figures of one stream's monitors.
     *
     * @param reference where the reference window came from
     * @param pendingPromotion a promotion whose reference is loading (samples are held meanwhile), or null
     */
    public record Status(String stream, String phase, int dimension, int referenceCount, int currentCount,
            long samplesSeen, boolean labelled, Map<String, Double> levels, long predictionsSeen, long errorsScored,
            String errorDetector, ReferenceSource reference, DriftRepository.ReferenceRequest pendingPromotion) {
    }

    /** Streams with live monitors. */
    public Collection<String> streams() {
        return List.copyOf(holders.keySet());
    }

    /** Forgets every in-memory monitor (what a process restart does). */
    void forgetAll() {
        holders.clear();
    }
}
