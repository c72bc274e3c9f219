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

    /**
     * An alias was removed: deleted by an operator, or {@code previous} cleared by a rollback (which moved
     * {@code production} to it). With {@link AliasMoved} this is the complete history of every alias.
     *
     * @param version the version the alias pointed at
     */
    public record AliasRemoved(String model, String alias, int version, String actor, String reason,
            Instant removedAt) {
    }

    /**
     * An evaluation report was attached to a version.
     *
     * @param servingVersion the version the flip rates were measured against, or null
     * @param maxForgetting the largest accuracy drop on any older segment
     * @param negativeFlipRate flip rate against the serving version, or null
     */
    public record VersionEvaluated(String model, int version, long evaluationId, Integer servingVersion,
            double averageAccuracy, double newestAccuracy, double maxForgetting, Double negativeFlipRate,
            Instant evaluatedAt) {
    }

    /**
     * A version became {@code production} (also announced as two {@code alias.moved} events).
     *
     * @param forced promoted although the gate failed (an operator's decision, with a reason)
     */
    public record VersionPromoted(String model, int version, Integer previousVersion, boolean forced, String actor,
            String reason, Instant promotedAt) {
    }

    /** {@code production} moved back to {@code previous}. */
    public record ProductionRolledBack(String model, int fromVersion, int toVersion, String actor, String reason,
            Instant rolledBackAt) {
    }
}
