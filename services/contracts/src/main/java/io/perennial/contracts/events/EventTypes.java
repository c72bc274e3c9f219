package io.perennial.contracts.events;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.AdaptationEvents.AdaptationAttempted;
import io.perennial.contracts.events.AdaptationEvents.AdaptationDecided;
import io.perennial.contracts.events.AdaptationEvents.AdaptationStuck;
import io.perennial.contracts.events.DriftEvents.DriftDetected;
import io.perennial.contracts.events.DriftEvents.DriftResolved;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.contracts.events.JobEvents.JobStatus;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.contracts.events.RegistryEvents.AliasRemoved;
import io.perennial.contracts.events.RegistryEvents.ModelCreated;
import io.perennial.contracts.events.RegistryEvents.ProductionRolledBack;
import io.perennial.contracts.events.RegistryEvents.VersionEvaluated;
import io.perennial.contracts.events.RegistryEvents.VersionPromoted;
import io.perennial.contracts.events.RegistryEvents.VersionRegistered;
import io.perennial.contracts.events.SampleEvents.LabelAssigned;
import io.perennial.contracts.events.SampleEvents.PredictionServed;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamEvents.StreamDeleted;
import io.perennial.contracts.events.StreamEvents.StreamUpdated;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The catalogue of every event type in Perennial. */
public final class EventTypes {

    public static final EventType<StreamCreated> STREAM_CREATED =
            new EventType<>("io.perennial.stream.created", Topics.STREAMS, "stream", StreamCreated.class);
    public static final EventType<StreamUpdated> STREAM_UPDATED =
            new EventType<>("io.perennial.stream.updated", Topics.STREAMS, "stream", StreamUpdated.class);
    public static final EventType<StreamDeleted> STREAM_DELETED =
            new EventType<>("io.perennial.stream.deleted", Topics.STREAMS, "stream", StreamDeleted.class);
    public static final EventType<LabelAssigned> LABEL_ASSIGNED =
            new EventType<>("io.perennial.label.assigned", Topics.LABELS, "sample", LabelAssigned.class);
    public static final EventType<PredictionServed> PREDICTION_SERVED =
            new EventType<>("io.perennial.prediction.served", Topics.PREDICTIONS, "stream", PredictionServed.class);
    public static final EventType<DriftDetected> DRIFT_DETECTED =
            new EventType<>("io.perennial.drift.detected", Topics.DRIFT, "stream", DriftDetected.class);
    public static final EventType<DriftResolved> DRIFT_RESOLVED =
            new EventType<>("io.perennial.drift.resolved", Topics.DRIFT, "stream", DriftResolved.class);
    public static final EventType<JobRequested> JOB_REQUESTED =
            new EventType<>("io.perennial.job.requested", Topics.JOBS, "job", JobRequested.class);
    public static final EventType<JobStatus> JOB_STATUS =
            new EventType<>("io.perennial.job.status", Topics.JOB_EVENTS, "job", JobStatus.class);
    public static final EventType<ModelCreated> MODEL_CREATED =
            new EventType<>("io.perennial.model.created", Topics.REGISTRY, "model", ModelCreated.class);
    public static final EventType<VersionRegistered> VERSION_REGISTERED =
            new EventType<>("io.perennial.version.registered", Topics.REGISTRY, "model", VersionRegistered.class);
    public static final EventType<AliasMoved> ALIAS_MOVED =
            new EventType<>("io.perennial.alias.moved", Topics.REGISTRY, "model", AliasMoved.class);
    public static final EventType<AliasRemoved> ALIAS_REMOVED =
            new EventType<>("io.perennial.alias.removed", Topics.REGISTRY, "model", AliasRemoved.class);
    public static final EventType<VersionEvaluated> VERSION_EVALUATED =
            new EventType<>("io.perennial.version.evaluated", Topics.REGISTRY, "model", VersionEvaluated.class);
    public static final EventType<VersionPromoted> VERSION_PROMOTED =
            new EventType<>("io.perennial.version.promoted", Topics.REGISTRY, "model", VersionPromoted.class);
    public static final EventType<ProductionRolledBack> PRODUCTION_ROLLED_BACK =
            new EventType<>("io.perennial.production.rolled-back", Topics.REGISTRY, "model",
                    ProductionRolledBack.class);

    public static final EventType<AdaptationDecided> ADAPTATION_DECIDED =
            new EventType<>("io.perennial.adaptation.decided", Topics.ADAPTATION, "stream", AdaptationDecided.class);
    public static final EventType<AdaptationAttempted> ADAPTATION_ATTEMPTED =
            new EventType<>("io.perennial.adaptation.attempted", Topics.ADAPTATION, "stream",
                    AdaptationAttempted.class);
    public static final EventType<AdaptationStuck> ADAPTATION_STUCK =
            new EventType<>("io.perennial.adaptation.stuck", Topics.ADAPTATION, "stream", AdaptationStuck.class);

    /** Every event type. */
    public static final List<EventType<?>> ALL = List.of(STREAM_CREATED, STREAM_UPDATED, STREAM_DELETED,
            LABEL_ASSIGNED, PREDICTION_SERVED, DRIFT_DETECTED, DRIFT_RESOLVED, JOB_REQUESTED, JOB_STATUS,
            MODEL_CREATED, VERSION_REGISTERED, ALIAS_MOVED, VERSION_EVALUATED, VERSION_PROMOTED,
            PRODUCTION_ROLLED_BACK, ALIAS_REMOVED, ADAPTATION_DECIDED, ADAPTATION_ATTEMPTED, ADAPTATION_STUCK);

    private static final Map<String, EventType<?>> BY_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private EventTypes() {
    }

    /** The event type with the given CloudEvents {@code type} attribute. */
    public static Optional<EventType<?>> byType(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }
}
