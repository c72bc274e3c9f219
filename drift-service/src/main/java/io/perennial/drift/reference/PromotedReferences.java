package io.perennial.drift.reference;

import io.perennial.contracts.Topics;
import io.perennial.drift.DriftProperties;
import io.perennial.drift.monitor.DriftRepository;
import io.perennial.drift.monitor.DriftRepository.ReferenceRequest;
import io.perennial.drift.monitor.ReferenceSource;
import io.perennial.drift.monitor.SampleListener;
import io.perennial.drift.monitor.StreamMonitors;
import io.perennial.drift.monitor.StreamMonitors.ReferenceNeeds;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Makes a promoted version's training segment the reference of its stream.
 *
 * <p>The registry listener only records the promotion ({@code reference_requests}, in the event's inbox
 * transaction). Here, every tick and right after such an event, the open requests of the streams monitored by this
 * instance are started: the stream's samples are held and its partitions paused, and on one background thread the
 * version is read from the registry, its newest segment chosen ({@link VersionSegments}), the segment's tail read
 * from the samples topic ({@link SegmentReader}) and installed as the frozen reference; the held samples (those after
 * the promotion) are then tested against it. When any step fails the next samples form the reference, as before
 * this existed, and the reason shows in the stream's status. Because the request is stored, a crash or a rebalance
 * before the reference is installed leaves it to whichever instance monitors the stream next.
 */
@Component
public class PromotedReferences {

    private static final Logger log = LoggerFactory.getLogger(PromotedReferences.class);

    private final DriftRepository repository;
    private final StreamMonitors monitors;
    private final RegistryVersions registry;
    private final SegmentReader reader;
    private final KafkaListenerEndpointRegistry listeners;
    private final DriftProperties.Reference settings;
    // one at a time: a promotion is rare, and the read must not compete with the samples listener for the cores
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drift-reference");
        t.setDaemon(true);
        return t;
    });

    public PromotedReferences(DriftRepository repository, StreamMonitors monitors, RegistryVersions registry,
            SegmentReader reader, KafkaListenerEndpointRegistry listeners, DriftProperties properties) {
        this.repository = repository;
        this.monitors = monitors;
        this.registry = registry;
        this.reader = reader;
        this.listeners = listeners;
        this.settings = properties.getReference();
    }

    /** Starts the open promotions of the streams monitored here; a request already loading is left alone. */
    @Scheduled(fixedDelayString = "${perennial.drift.tick:1000}")
    public void startOpenRequests() {
        for (ReferenceRequest request : repository.referenceRequests(monitors.streams())) {
            monitors.beginPromotion(request).ifPresent(needs -> {
                pause(request.stream(), needs.partitions(), true);
                loader.execute(() -> load(request, needs));
            });
        }
    }

    /**
     * A promotion of a model drift-service has not seen created: asks the registry which stream it serves, then
     * records the promotion like any other. A model the registry does not know is ignored (logged).
     */
    public void promotedUnknownModel(String model, int version, Instant movedAt) {
        loader.execute(() -> {
            try {
                String stream = registry.streamOf(model);
                repository.saveModel(model, stream);
                repository.requestReference(stream, model, version, movedAt);
                log.info("Promotion of {} v{}: the registry says it serves stream {}", model, version, stream);
            } catch (ReferenceUnavailableException ex) {
                log.warn("Promotion of {} v{} ignored: the model is unknown here and the registry could not name "
                        + "its stream ({}: {})", model, version, ex.reason(), ex.getMessage());
                return;
            }
            startOpenRequests();
        });
    }

    private void load(ReferenceRequest request, ReferenceNeeds needs) {
        try {
            if (!settings.isFromSegment()) {
                monitors.fallBack(request, new ReferenceSource(ReferenceSource.NEXT_SAMPLES, request.model(),
                        request.version(), null, null, null, null,
                        "perennial.drift.reference.from-segment is off", Instant.now()));
                return;
            }
            install(request, needs);
        } catch (ReferenceUnavailableException ex) {
            monitors.fallBack(request, monitors.fallbackSource(request, ex.reason(), ex.getMessage()));
        } catch (RuntimeException ex) {
            log.error("Reference of {} v{} for stream {} failed", request.model(), request.version(),
                    request.stream(), ex);
            try {
                monitors.fallBack(request, monitors.fallbackSource(request, "read-failed", String.valueOf(
                        ex.getMessage())));
            } catch (RuntimeException again) {
                log.error("Stream {}: the fallback could not be stored either; it is retried from the database",
                        request.stream(), again);
            }
        } finally {
            pause(request.stream(), needs.partitions(), false);
        }
    }

    private void install(ReferenceRequest request, ReferenceNeeds needs) {
        String topic = Topics.samples(request.stream());
        JsonNode version = registry.version(request.model(), request.version());
        Optional<VersionSegments.Segment> newest = VersionSegments.newest(version, topic,
                v -> registry.version(request.model(), v));
        if (newest.isEmpty()) {
            // A version trained on none of this stream's data (an uploaded base): there is nothing better to compare
            // with than the reference in place. Falling back to the next samples instead would adopt whatever the
            // stream carries by then, which can already be a new regime, as the reference.
            monitors.keepReference(request, new ReferenceSource(ReferenceSource.KEPT, request.model(),
                    request.version(), null, null, null, "no-segment", request.model() + " v" + request.version()
                            + " (" + version.path("kind").asString("?") + ") names no segment of " + topic
                            + "; the reference in place is kept", Instant.now()));
            return;
        }
        VersionSegments.Segment segment = newest.get();
        Optional<DriftRepository.Alarm> alarm = repository.latestAlarm(request.stream(), "feature");
        if (alarm.isPresent() && driftedSince(alarm.get(), request, segment)) {
            // the stream left the version's regime already and that shift has had its alarm; the monitor is on the
            // new regime's reference: the segment would only raise the same alarm again
            monitors.keepReference(request, monitors.fallbackSource(request, "drifted-since", "an alarm at offsets "
                    + alarm.get().startOffsets() + " (" + alarm.get().detectedAt() + ") came after segment "
                    + segment.name() + " ended (offsets " + segment.to() + ") or after the promotion; the current "
                    + "reference is kept"));
            return;
        }
        int min = Math.max(settings.getMinSamples(), needs.minSamples());
        SegmentReader.Tail tail = reader.readTail(topic, segment.from(), segment.to(), needs.dimension(),
                needs.referenceSize(), settings.getReadTimeout());
        String range = "segment " + segment.name() + " (offsets " + segment.from() + " to " + segment.to() + ")";
        if (tail.size() < min) {
            throw new ReferenceUnavailableException(tail.agedOut() ? "aged-out" : "too-few-samples", range
                    + " still holds " + tail.size() + " usable samples in Kafka, fewer than " + min
                    + (tail.agedOut() ? ": retention deleted its start" : ""));
        }
        String detail = "the last " + tail.size() + " samples of " + range
                + (tail.agedOut() ? "; retention deleted its start" : "");
        boolean installed = monitors.installReference(request, tail.rows(), tail.labels(), tail.from(),
                new ReferenceSource(ReferenceSource.SEGMENT, request.model(), request.version(), segment.name(),
                        tail.from(), tail.to(), null, detail, Instant.now()));
        if (!installed) {
            log.info("Reference of {} v{} for stream {} not installed: replaced or moved to another instance",
                    request.model(), request.version(), request.stream());
        }
    }

    /**
     * Whether a feature alarm came after the promoted version's data: detected at or after the promotion, or with
     * its new regime starting at or after the segment's end on every partition it names.
     */
    static boolean driftedSince(DriftRepository.Alarm alarm, ReferenceRequest request,
            VersionSegments.Segment segment) {
        if (request.movedAt() != null && !alarm.detectedAt().isBefore(request.movedAt())) {
            return true;
        }
        return !alarm.startOffsets().isEmpty() && alarm.startOffsets().entrySet().stream().allMatch(e ->
                e.getValue() >= segment.to().getOrDefault(e.getKey(), Long.MAX_VALUE));
    }

    /** Pauses (or resumes) a stream's samples partitions so nothing piles up while its reference loads. */
    private void pause(String stream, Set<Integer> partitions, boolean pause) {
        MessageListenerContainer container = listeners.getListenerContainer(SampleListener.ID);
        if (container == null) {
            return;
        }
        for (int p : partitions) {
            TopicPartition tp = new TopicPartition(Topics.samples(stream), p);
            if (pause) {
                container.pausePartition(tp);
            } else {
                container.resumePartition(tp);
            }
        }
    }

    @PreDestroy
    void stop() {
        loader.shutdownNow();
    }
}
