package io.perennial.client;

/** A request the platform refused for a reason retrying cannot fix (credentials, unknown stream, bad input). */
public class PerennialClientException extends RuntimeException {

    private final int status;

    public PerennialClientException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
