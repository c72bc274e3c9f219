package io.perennial.contracts.events;

import io.perennial.contracts.cloudevents.CloudEventAttributes;

/**
 * An event as it travels: CloudEvents context attributes plus typed data.
 *
 * @param <T> the data record type
 */
public record Event<T>(CloudEventAttributes attributes, EventType<T> type, T data) {

    /** The data cast to the expected type, after checking that this event is of that type. */
    public <U> U dataAs(EventType<U> expected) {
        if (!type.equals(expected)) {
            throw new IllegalStateException("expected " + expected.type() + " but got " + type.type());
        }
        return expected.dataClass().cast(data);
    }

    /** Whether this event is of the given type. */
    public boolean is(EventType<?> other) {
        return type.equals(other);
    }
}
