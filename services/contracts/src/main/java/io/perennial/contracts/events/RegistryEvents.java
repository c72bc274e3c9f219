package io.perennial.contracts.events;

import java.time.Instant;

/** Model-version events on {@code perennial.registry}, produced by registry-service, keyed by model. */
public final class RegistryEvents {

    private RegistryEvents() {
    }

    /** A model was created, by default one per stream. */
    public record ModelCreated(String model, String stream, Instant createdAt) {
    }

    /** An immutable version was registered. {@code kind} is {@code base}, {@code adapter} or {@code merge}. */
    public record VersionRegistered(String model, int version, String kind, Integer parentVersion, String jobId,
            Instant registeredAt) {
    }

    /** An alias (e.g. {@code production}) moved to a version. */
    public record AliasMoved(String model, String alias, int version, Integer previousVersion, String actor,
            String reason, Instant movedAt) {
    }
}
