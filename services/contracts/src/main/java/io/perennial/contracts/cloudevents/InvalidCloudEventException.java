package io.perennial.contracts.cloudevents;

/** A record that does not carry a valid CloudEvent; it belongs in the dead-letter topic, not in a retry loop. */
public class InvalidCloudEventException extends RuntimeException {

    public InvalidCloudEventException(String message) {
        super(message);
    }

    public InvalidCloudEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
