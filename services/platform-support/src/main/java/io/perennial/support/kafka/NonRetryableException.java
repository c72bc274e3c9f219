package io.perennial.support.kafka;

/** A record that can never be processed (bad content, unknown stream): it goes straight to the dead-letter topic. */
public class NonRetryableException extends RuntimeException {

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
