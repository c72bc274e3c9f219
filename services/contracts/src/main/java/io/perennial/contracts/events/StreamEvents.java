package io.perennial.contracts.events;

/** Stream lifecycle events on {@code perennial.streams}, produced by ingest-service. */
public final class StreamEvents {

    private StreamEvents() {
    }

    /** A stream was registered; its topics exist. */
    public record StreamCreated(StreamSpec stream) {
    }

    /** A stream's policy fields changed. */
    public record StreamUpdated(StreamSpec stream) {
    }

    /** A stream was deleted (soft: its topics age out by retention). */
    public record StreamDeleted(String stream) {
    }
}
